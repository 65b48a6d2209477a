/// Something backed by a folder of Lua files that can check the folder and reload.
/// The rules engine (`rules/`) and the optimizer's plugins engine (`plugins/`) are the two;
/// `LuaFolderReloadService` in SelfHealRules polls them.
public protocol ReloadableLuaFolder: Sendable {
    /// Checks the folder's content hash and reloads when it changed. Blocking: call it off
    /// the cooperative pool.
    func reloadIfChanged() -> LuaFolderReloadOutcome
}

public enum LuaFolderReloadOutcome: Sendable, Equatable {
    case unchanged
    case reloaded(version: String)
    /// The folder changed but the new content was refused; the last good set stays live.
    case failed(message: String)
}
