import Foundation

/// The `details` JSON of an `optimizer_runs` row: the numbers behind the decision, so an
/// operator can see why the optimizer did what it did.
struct RunDetails: Codable, Sendable, Equatable {
    var reason: String
    var pluginsVersion: String?
    var pluginError: String?
    var window: VersionStats?
    var canary: VersionStats?
    var active: VersionStats?
    var predecessor: VersionStats?
    var diagnosis: [String]?
    var replayCandidate: ReplayScore?
    var replayActive: ReplayScore?
    var replayInputs: Int?

    init(reason: String) {
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case reason, window, canary, active, predecessor, diagnosis
        case pluginsVersion = "plugins_version"
        case pluginError = "plugin_error"
        case replayCandidate = "replay_candidate"
        case replayActive = "replay_active"
        case replayInputs = "replay_inputs"
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"reason":"unencodable details"}"#
    }
}
