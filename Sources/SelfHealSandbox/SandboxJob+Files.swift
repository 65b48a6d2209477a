import Foundation
import SelfHealCore

/// How the runner lays a job out on disk; the job itself is declared with the `CodeRunning` port.
extension SandboxJob {
    /// The files of the run, the one to start and its arguments: under the Python harness the
    /// answer, the tests, the nonce and the harness (`harness`: which one the main file is,
    /// selfheal's own code, the same for every run of a kind); otherwise one program of the
    /// code, the tests and the entry call (`harness` nil).
    func files(
        for language: SandboxSettings.Language, nonce: String
    ) -> (files: [(name: String, contents: String)], main: String, arguments: [String], harness: PythonHarness.Program?) {
        if let tests, language.harness == .python {
            return ([
                (PythonHarness.answerFile, code), (PythonHarness.testsFile, tests), (PythonHarness.nonceFile, nonce),
                (PythonHarness.mainFile, PythonHarness.Program.tests.text),
            ], PythonHarness.mainFile, PythonHarness.arguments(entryPoint: entryPoint), .tests)
        }
        if kind == .smoke, language.harness == .python {
            var files = [
                (name: PythonHarness.answerFile, contents: code), (name: PythonHarness.nonceFile, contents: nonce),
                (name: PythonHarness.mainFile, contents: PythonHarness.Program.smoke.text),
            ]
            if let requestText, PythonExamples.mayHoldExamples(requestText) {
                let bounded = requestText.utf8.count <= Self.requestTextLimit
                    ? requestText : String(decoding: requestText.utf8.prefix(Self.requestTextLimit), as: UTF8.self)
                files.append((name: PythonHarness.requestFile, contents: bounded))
            }
            return (files, PythonHarness.mainFile, PythonHarness.arguments(entryPoint: entryPoint), .smoke)
        }
        let main = "main" + language.fileExtension
        return ([(main, program(for: language))], main, [], nil)
    }

    /// The file the sandbox runs without a harness: the code, then the tests, then the entry call.
    func program(for language: SandboxSettings.Language) -> String {
        guard let tests else { return code }
        var program = code + "\n\n\n" + tests + "\n"
        if let entryPoint, let call = language.entryCall {
            program += "\n\n" + call.replacingOccurrences(of: "{entry_point}", with: entryPoint) + "\n"
        }
        return program
    }
}
