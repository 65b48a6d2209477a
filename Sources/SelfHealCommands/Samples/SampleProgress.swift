import Foundation

/// Progress on stderr, so stdout keeps only the table: on a terminal one bar redrawn in place,
/// otherwise (CI logs, pipes) one line per finished request, which stays readable in a log.
struct SampleProgress: Sendable {
    let total: Int
    let interactive: Bool

    init(total: Int, interactive: Bool = isatty(STDERR_FILENO) == 1) {
        self.total = total
        self.interactive = interactive
    }

    /// Called once per finished request, `done` counting it.
    func finished(_ result: SampleResult, done: Int, passed: Int, errors: Int) {
        if interactive {
            let width = 30
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
            write("\r[\(bar)] \(done)/\(total)  passed \(passed)  errors \(errors)")
            if done == total { write("\n") }
        } else {
            write(Self.line(result, done: done, total: total) + "\n")
        }
    }

    static func line(_ result: SampleResult, done: Int, total: Int) -> String {
        let counter = String(repeating: " ", count: max(0, "\(total)".count - "\(done)".count)) + "\(done)/\(total)"
        let status = result.statusCode.map(String.init) ?? "---"
        let verdict = result.passed ? "passed" : result.error == nil ? "failed" : "error "
        let score = result.finalScore.map { String(format: "%.2f", $0) } ?? "  - "
        let input = SampleRunner.truncate(result.userInput.replacingOccurrences(of: "\n", with: " "), to: 60)
        var line = "[\(counter)] \(result.category) #\(result.index)  \(status) \(verdict) \(score)  \(String(format: "%6.0f", result.latencyMs)) ms  \(input)"
        if let error = result.error { line += "  (\(SampleRunner.truncate(error, to: 120)))" }
        return line
    }

    /// A line of its own; on a terminal it never lands on the progress bar's line.
    func note(_ text: String) {
        write(text + "\n")
    }

    /// The run ended before the bar was full: end the bar's line, so the table starts on its own.
    /// The reason is the command's final error line; saying it here too would say it twice.
    func interrupted() {
        if interactive { write("\n") }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
