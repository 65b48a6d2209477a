/// Why a job could not be run at all (as opposed to a program that ran and failed).
public struct SandboxError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Equatable {
        case busy(running: Int, queued: Int)
        case unsupportedLanguage(String)
        case noCheckCommand(String)
        case launchFailed(String)
        case invalidEntryPoint(String)
    }

    private let kind: Kind

    /// Every sandbox is busy and the queue is full: the caller should answer 503.
    public static func busy(running: Int, queued: Int) -> SandboxError { SandboxError(kind: .busy(running: running, queued: queued)) }
    /// No run command is configured for the language.
    public static func unsupportedLanguage(_ name: String) -> SandboxError { SandboxError(kind: .unsupportedLanguage(name)) }
    /// The language has no compile-only check; answers without tests go unchecked.
    public static func noCheckCommand(_ name: String) -> SandboxError { SandboxError(kind: .noCheckCommand(name)) }
    /// The machine refused to start the process (no such program, out of processes, ...).
    public static func launchFailed(_ why: String) -> SandboxError { SandboxError(kind: .launchFailed(why)) }

    /// The job's entry point is not an identifier; it would be pasted into the test program.
    public static func invalidEntryPoint(_ name: String) -> SandboxError { SandboxError(kind: .invalidEntryPoint(name)) }

    public var isBusy: Bool { if case .busy = kind { true } else { false } }
    public var isUnsupportedLanguage: Bool { if case .unsupportedLanguage = kind { true } else { false } }
    public var isNoCheckCommand: Bool { if case .noCheckCommand = kind { true } else { false } }
    public var isInvalidEntryPoint: Bool { if case .invalidEntryPoint = kind { true } else { false } }

    public var description: String {
        switch kind {
        case let .busy(running, queued):
            "all \(running) sandboxes are busy and \(queued) jobs are already waiting; try again shortly"
        case let .unsupportedLanguage(name):
            "no sandbox command for language '\(name)'; add it to sandbox.languages in rules/scoring.lua"
        case let .noCheckCommand(name):
            "language '\(name)' has no compile-only check command"
        case let .launchFailed(why):
            "the sandbox could not start: \(why)"
        case .invalidEntryPoint:
            "entry_point: \(EntryPoint.requirement)"
        }
    }
}
