/// Why a `plugins/` folder was refused: every problem, each with file and line.
public struct PluginLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [PluginError]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
