import Foundation
import Logging
import Metrics
import SelfHealCore
import SelfHealLua
import SelfHealRules
import Synchronization

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
    private let live: Mutex<LiveState>
    /// Serialises reloads (the poller and a manual reload may race); calls never take it.
    private let reloadLock = Mutex<Void>(())

    private struct LiveState {
        var set: PluginSet
        var lastError: String?
        var lastErrorAt: Date?
        /// The content that failed last, so a broken edit is reported once, not every poll.
        var failedVersion: String?
    }

    /// Loads and validates `directory`; throws `PluginLoadError` (every problem with file and
    /// line) or `LuaFolderError`, since there is no last good set to fall back on yet.
    public init(directory: String, limits: LuaLimits = .default, logger: Logger) throws {
        self.directory = directory
        self.limits = limits
        self.logger = logger
        let snapshot = try LuaFolderSnapshot.read(directory: directory)
        let set = try PluginSet.load(snapshot, limits: limits).get()
        live = Mutex(LiveState(set: set))
        logger.info("Plugins loaded", metadata: ["plugins.version": "\(snapshot.version)", "plugins.directory": "\(directory)"])
    }

    /// The set calls use now.
    var current: PluginSet { live.withLock { $0.set } }

    public var status: ReloadStatus {
        live.withLock { ReloadStatus(version: $0.set.version, loadedAt: $0.set.loadedAt, lastError: $0.lastError, lastErrorAt: $0.lastErrorAt) }
    }

    /// Reads the folder; when its content hash differs from the live set's, validates the new
    /// content in a fresh state and swaps it in. On failure the live set stays. Blocking.
    @discardableResult
    public func reloadIfChanged() -> LuaFolderReloadOutcome {
        reloadLock.withLock { _ in
            let snapshot: LuaFolderSnapshot
            do {
                snapshot = try LuaFolderSnapshot.read(directory: directory)
            } catch {
                return fail("\(error)", version: "unreadable")
            }
            let (liveVersion, failedVersion) = live.withLock { ($0.set.version, $0.failedVersion) }
            if snapshot.version == liveVersion {
                // A broken edit was reverted: what is on disk is live again.
                live.withLock { if $0.failedVersion != nil { $0.failedVersion = nil; $0.lastError = nil; $0.lastErrorAt = nil } }
                return .unchanged
            }
            if snapshot.version == failedVersion { return .unchanged }
            switch PluginSet.load(snapshot, limits: limits) {
            case .success(let set):
                live.withLock { $0 = LiveState(set: set) }
                Counter(label: "selfheal_plugins_reloads_total", dimensions: [("result", "success")]).increment()
                logger.info("Plugins reloaded", metadata: ["plugins.version": "\(snapshot.version)", "plugins.previous_version": "\(liveVersion)"])
                return .reloaded(version: snapshot.version)
            case .failure(let error):
                return fail(error.description, version: snapshot.version)
            }
        }
    }

    private func fail(_ message: String, version: String) -> LuaFolderReloadOutcome {
        let (liveVersion, isNew) = live.withLock { state in
            let isNew = state.failedVersion != version
            if isNew {
                state.lastError = message
                state.lastErrorAt = Date()
                state.failedVersion = version
            }
            return (state.set.version, isNew)
        }
        if isNew {
            Counter(label: "selfheal_plugins_reloads_total", dimensions: [("result", "failure")]).increment()
            logger.error("Plugins reload failed; keeping the last good set", metadata: [
                "plugins.version": "\(liveVersion)", "plugins.rejected_version": "\(version)", "error": "\(message)",
            ])
        }
        return .failed(message: message)
    }

    /// Counts and logs a plugin failure; the caller decides the conservative fallback.
    func reportFailure(_ error: PluginError, taskType: String) {
        let entry = error.entry ?? "unknown"
        Counter(label: "selfheal_plugin_errors_total", dimensions: [("entry", entry)]).increment()
        logger.error("Plugin call failed", metadata: ["plugin.entry": "\(entry)", "task_type": "\(taskType)", "error": "\(error)"])
    }
}
