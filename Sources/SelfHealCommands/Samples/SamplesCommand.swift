import ArgumentParser
import Foundation

/// `selfheal samples`: sends the sample requests of `samples/` to a running manager and reports
/// the pass rate, average score and latency per category.
struct SamplesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samples",
        abstract: "Send the sample requests to a running manager and report pass rates per category.",
        // One line per paragraph: the help text wraps them to the terminal.
        discussion: """
            Categories are the files samples/NAME.json (default: \(SampleSuite.standardCategories.joined(separator: " "))). The table goes to stdout, progress to stderr.

            An HTTP error answer (4xx/5xx) is recorded as an error row and the run goes on. No answer at all (connection refused, timeout) stops the run and exits 1.
            """
    )

    @Option(parsing: .upToNextOption, help: "Categories to run, e.g. --categories easy medium hard. (default: all six)")
    var categories: [String] = []

    @Option(help: "The manager's base URL. (env: SELFHEAL_URL; default: http://127.0.0.1:8000)")
    var url: String?

    @Option(help: "Write every result, and the summary, as JSON to this file.")
    var output: String?

    @Option(help: "Requests in flight at once.")
    var concurrency: Int = 4

    @Option(help: "Seconds to wait for one answer.")
    var timeout: Int = 120

    @Option(help: "Folder of sample files. (env: SELFHEAL_SAMPLES_DIR; default: samples)")
    var samples: String?

    @Option(help: "Bearer token for the manager, when it requires one. (env: SELFHEAL_API_KEY)")
    var apiKey: String?

    func run() async throws {
        guard (1...64).contains(concurrency) else { throw UsageError("--concurrency: must be from 1 to 64, got \(concurrency)") }
        guard (1...3600).contains(timeout) else { throw UsageError("--timeout: must be from 1 to 3600 seconds, got \(timeout)") }
        let baseURL = try Self.validatedURL(url ?? Env.get("SELFHEAL_URL") ?? "http://127.0.0.1:8000")
        // "easy,medium" works as well as "easy medium".
        let named = categories.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        var seen: Set<String> = []
        let order = named.isEmpty ? SampleSuite.standardCategories : named.filter { seen.insert($0).inserted }
        let suite = try SampleSuite.load(directory: samples ?? Env.get("SELFHEAL_SAMPLES_DIR") ?? "samples", categories: order)
        if let output { try Self.checkWritable(output) }

        let runner = SampleRunner(
            baseURL: baseURL, concurrency: concurrency, timeoutSeconds: Int64(timeout),
            apiKey: apiKey ?? Env.get("SELFHEAL_API_KEY"), progress: SampleProgress(total: suite.samples.count)
        )
        let report = try await runner.run(suite, order: order)
        print(report.table())
        if let output {
            try report.json().write(to: URL(fileURLWithPath: output))
            FileHandle.standardError.write(Data("selfheal samples: results written to \(output)\n".utf8))
        }
        if report.transportErrors > 0 {
            throw UsageError(report.stoppedEarly ?? "\(report.transportErrors) request(s) got no answer from \(baseURL)")
        }
        // Error answers are measurements, but when every answer is one (a missing key, a broken
        // manager) nothing was measured at all, and a script running this must notice.
        if !report.results.isEmpty, report.results.allSatisfy({ $0.error != nil }), let first = report.results.first?.error {
            throw UsageError("no request was answered with an evaluation; the first error: \(first)")
        }
    }

    static func validatedURL(_ raw: String) throws -> String {
        guard let components = URLComponents(string: raw), ["http", "https"].contains(components.scheme?.lowercased() ?? ""),
              let host = components.host, !host.isEmpty
        else {
            throw UsageError("--url: '\(raw)' is not an http:// or https:// URL")
        }
        return raw.hasSuffix("/") ? String(raw.dropLast()) : raw
    }

    /// Fails before the run rather than after it, when the results could not be saved.
    static func checkWritable(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
              FileManager.default.isWritableFile(atPath: directory)
        else {
            throw UsageError("--output: cannot write '\(path)': folder '\(directory)' does not exist or is not writable")
        }
    }
}
