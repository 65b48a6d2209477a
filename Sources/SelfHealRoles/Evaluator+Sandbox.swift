import Foundation
import Logging
import SelfHealCore

extension Evaluator {
    /// Runs the code with the request's tests; when there are none, a smoke run (compile, read
    /// for crude defects, import) or, for a language without a harness or with
    /// `sandbox.smoke_runs = false`, a compile-only check.
    /// nil when there is no runner, the task type's outputs are not code, or the language has
    /// no check; a verdict that depends on tests nobody could run is an error.
    func execute(_ request: EvaluateRequest, code: String) async throws -> ExecResult? {
        guard let runner else { return nil }
        let settings = sandboxSettings()
        guard settings.taskTypes.contains(request.taskType) else { return nil }
        let tests = request.tests.flatMap { $0.isBlank ? nil : $0 }
        if tests == nil && code.isBlank { return nil }
        var job = SandboxJob(
            code: code, tests: tests, entryPoint: request.entryPoint, language: request.language ?? "python",
            languageOverrides: settings.languages,
            timeoutSeconds: tests == nil ? min(settings.smokeTimeoutSeconds, settings.timeoutSeconds ?? .infinity) : settings.timeoutSeconds,
            smoke: tests == nil && settings.smokeRuns, requestText: request.userInput
        )
        job.warmHost = settings.warmHosts
        do {
            return try await runner.run(job)
        } catch let error as SandboxError where tests == nil {
            // Compile-only is a bonus: without a check command, or when every sandbox is busy,
            // the answer is scored without it rather than refused.
            if !error.isNoCheckCommand && !error.isUnsupportedLanguage {
                logger.warning("Syntax check skipped", metadata: ["error": "\(error)"])
            }
            return nil
        } catch let error as SandboxError where error.isBusy {
            throw RoleError.sandboxBusy(error.description)
        } catch let error as SandboxError where error.isInvalidEntryPoint {
            throw RoleError.invalidField(field: "entry_point", message: EntryPoint.requirement)
        } catch let error as SandboxError where error.isUnsupportedLanguage {
            throw RoleError.invalidField(field: "language", message: error.description)
        } catch {
            logger.error("Sandbox could not run the tests", metadata: ["error": "\(error)"])
            throw RoleError.sandboxUnavailable
        }
    }
}
