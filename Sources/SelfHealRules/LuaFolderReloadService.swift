public import Logging
public import SelfHealCore
import NIOPosix
public import ServiceLifecycle

/// Polls a Lua folder and reloads it when its content changes. Polling content hashes is
/// simpler than inotify and catches every way a file changes: in-place writes, atomic
/// rename-over saves, and ConfigMap `..data` symlink swaps.
public struct LuaFolderReloadService: Service {
    private let folder: any ReloadableLuaFolder
    private let interval: Duration
    private let logger: Logger

    public init(folder: any ReloadableLuaFolder, interval: Duration = .milliseconds(250), logger: Logger) {
        self.folder = folder
        self.interval = interval
        self.logger = logger
    }

    /// Returns when the service group shuts down gracefully or the task is cancelled; a
    /// failed reload is the folder's business (it logs, counts and keeps the last good set),
    /// so nothing here ends the loop early.
    public func run() async throws {
        let folder = self.folder
        let interval = self.interval
        // A thread of its own: on the shared pool a reload would queue behind a burst of
        // evaluations, and an edit must go live within a second even under load.
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        defer { threadPool.shutdownGracefully { _ in } }
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    do {
                        // Reading files and building Lua states block: keep them off the cooperative pool.
                        _ = try await threadPool.runIfActive { folder.reloadIfChanged() }
                    } catch {
                        try Task.checkCancellation()
                        // The thread pool is shutting down: reload here rather than not at all.
                        _ = folder.reloadIfChanged()
                    }
                }
            }
        } catch is CancellationError {
            // Shutdown: the loop simply ends.
        }
    }
}
