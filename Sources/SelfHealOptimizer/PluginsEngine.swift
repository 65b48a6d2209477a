import Foundation
public import Logging
import Metrics
public import SelfHealCore
public import SelfHealLua
import SelfHealRules

/// The optimizer's heuristics, read from a `plugins/` folder of Lua files and reloaded when
/// the files change (poll it with `LuaFolderReloadService`). A reload validates the whole
/// folder in a fresh state and swaps only when every file is good; otherwise the last good
/// set stays live and the error shows in `status`, the logs and
/// `selfheal_plugins_reloads_total{result="failure"}`.
///
/// The typed entry points (`PluginsEngine+Calls.swift`) throw `PluginError` when a plugin
/// errors, runs out of budget or answers nonsense: the optimizer turns that into a
/// conservative decision and records why.
public final class PluginsEngine: ReloadableLuaFolder, Sendable {
    public let directory: String
    public let limits: LuaLimits
    let logger: Logger
    private let reloader: LuaFolderReloader<PluginSet>

    /// Loads and validates `directory`; throws `PluginLoadError` (every problem with file and
    /// line) or `LuaFolderError`, since there is no last good set to fall back on yet.
    public init(directory: String, limits: LuaLimits = .default, logger: Logger) throws {
        self.directory = directory
        self.limits = limits
        self.logger = logger
        let snapshot = try LuaFolderSnapshot.read(directory: directory)
        let set = try PluginSet.load(snapshot, limits: limits).get()
        reloader = LuaFolderReloader(kind: "plugins", directory: directory, initial: set, logger: logger)
        logger.info("Plugins loaded", metadata: ["plugins.version": "\(snapshot.version)", "plugins.directory": "\(directory)"])
    }

    /// The set calls use now.
    var current: PluginSet { reloader.current }

    public var status: ReloadStatus { reloader.status }

    /// Reads the folder; when its content hash differs from the live set's, validates the new
    /// content in a fresh state and swaps it in. On failure the live set stays. Blocking.
    @discardableResult
    public func reloadIfChanged() -> LuaFolderReloadOutcome {
        reloader.reloadIfChanged { snapshot in
            PluginSet.load(snapshot, limits: limits).mapError { $0 as any Error }
        }
    }

    /// Counts and logs a plugin failure; the caller decides the conservative fallback.
    func reportFailure(_ error: PluginError, taskType: String) {
        let entry = error.entry ?? "unknown"
        Counter(label: "selfheal_plugin_errors_total", dimensions: [("entry", entry)]).increment()
        logger.error("Plugin call failed", metadata: ["plugin.entry": "\(entry)", "task_type": "\(taskType)", "error": "\(error)"])
    }
}
