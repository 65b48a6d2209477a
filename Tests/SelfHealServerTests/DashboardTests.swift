import Foundation
import SelfHealCommands
import SelfHealCore
import SelfHealServer
import SelfHealTestSupport
import Testing

/// The dashboard as a person sees it: a real headless Chromium loads `/dashboard` from a running
/// `--role all` with data in it, runs the page's script, and the rendered DOM must show that data.
@Suite("The dashboard renders the evaluator's data in a browser", .serialized)
struct DashboardTests {
    @Test("every panel shows the served requests, the histogram, the prompt change and the failure reasons",
          .enabled(if: HeadlessChromium.path != nil || ProcessInfo.processInfo.environment["CI"] != nil,
                   "chromium is not installed (apt-get install -y chromium); CI fails instead of skipping"))
    func dashboardRendersData() async throws {
        let chromium = try #require(HeadlessChromium.path, "chromium is missing on CI: scripts/install-deps.sh installs it")
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoles { roles in
            let role = try await roles.start(testConfig(.all, database: database))
            let store = try #require(role.store)
            let port = role.port

            // Six requests with the seed prompt (most pass), then a prompt that asks for nothing,
            // whose answers fail with rule reasons and judge feedback.
            for input in ["Write a fibonacci function", "Write a factorial function", "Reverse a string", "Write a Stack class",
                          "Implement binary search over a sorted list", "Write a function called is_prime"] {
                #expect(try await fetch(port: port, path: "/api/v1/request", body: json(["user_input": input])).status == 200)
            }
            _ = try await store.createPrompt(.init(
                taskType: "code_generation", text: "You are a coder. Write code.", status: .active, author: .operator,
                reason: "dashboard test: a deliberately bad prompt"
            ))
            for input in ["Write a fibonacci function", "Write a gcd function", "Count the vowels in a string", "Sum a list of numbers"] {
                #expect(try await fetch(port: port, path: "/api/v1/request", body: json(["user_input": input])).status == 200)
            }

            let summary = try await fetch(.GET, port: port, path: "/api/v1/stats/summary").json
            let buckets = try #require(try await fetch(.GET, port: port, path: "/api/v1/stats/score-distribution").json["buckets"] as? [[String: Any]])
            let failures = try #require(try await fetch(.GET, port: port, path: "/api/v1/stats/recent-failures").json["failures"] as? [[String: Any]])
            #expect(summary["total"] as? Int == 10)
            let failure = try #require(failures.first)
            let reason = try #require((failure["failed_rules"] as? [[String: Any]])?.first?["reason"] as? String)

            let page = try await fetch(.GET, port: port, path: "/dashboard")
            #expect(page.status == 200)
            #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
            // Self-contained: nothing is loaded from another origin.
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(!html.contains("<script src") && !html.contains("<link"))

            let dom = try await HeadlessChromium.dumpDOM(chromium: chromium, url: "http://127.0.0.1:\(port)/dashboard?hours=1")
            if let target = ProcessInfo.processInfo.environment["DASHBOARD_SCREENSHOT"] {
                // A screenshot to look at, on demand: DASHBOARD_SCREENSHOT=/tmp/dashboard.png swift test --filter DashboardTests
                try await HeadlessChromium.screenshot(chromium: chromium, url: "http://127.0.0.1:\(port)/dashboard?hours=1", to: target)
                #expect(FileManager.default.fileExists(atPath: target), "chromium wrote no screenshot")
            }
            await role.shutdown()

            #expect(dom.contains(#"data-state="ready""#), "the page's script did not finish a refresh")
            #expect(dom.contains(#"<div class="value" id="kpi-total">10</div>"#))
            let passRate = (summary["pass_rate"] as? Double ?? 0) * 100
            #expect(dom.contains(String(format: ">%.1f %%</div>", passRate)))

            // The histogram draws one bar per bucket, with the API's counts.
            let bars = Self.tags("rect", withClass: "bar", in: dom)
            #expect(bars.count == 10)
            for bucket in buckets {
                let lower = String(format: "%.1f", bucket["lower"] as? Double ?? -1)
                let bar = bars.first { $0["data-lower"] == lower }
                #expect(bar?["data-count"] == "\(bucket["count"] as? Int ?? -1)", "bucket \(lower)")
            }

            // The trend and rule-vs-judge charts have points; the volume chart counts every request.
            let points = Self.tags("circle", withClass: "point", in: dom)
            #expect(points.contains { $0["data-series"] == "code_generation" })
            #expect(points.contains { $0["data-series"] == "rules" } && points.contains { $0["data-series"] == "judge" })
            let volume = Self.tags("rect", withClass: "volume", in: dom).compactMap { $0["data-count"].flatMap(Int.init) }
            #expect(volume.reduce(0, +) == 10)

            // The time line shows the seed version and the operator's new active version.
            let events = Self.tags("circle", withClass: "event", in: dom) + Self.tags("polygon", withClass: "event", in: dom)
            #expect(events.filter { $0["data-kind"] == "prompt" && $0["data-label"] == "active" }.count >= 2)
            #expect(dom.contains("dashboard test: a deliberately bad prompt"))

            // Recent failures name the request and say why it failed.
            #expect(dom.contains(#"data-request-id="\#(failure["request_id"] as? String ?? "?")""#))
            #expect(dom.contains(Self.escaped(reason)))
            let verdict = try #require(failure["verdict_reason"] as? String)
            #expect(dom.contains(Self.escaped(verdict)), "the failure's verdict reason is not on the page")
        }
    }

    @Test("the timeline API buckets every request by task type and lists prompt changes in order")
    func timelineAPI() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in
            let store = try #require(role.store)
            for input in ["Write a fibonacci function", "Reverse a string", "Write a factorial function"] {
                _ = try await role.fetch(path: "/api/v1/request", body: json(["user_input": input]))
            }
            _ = try await role.fetch(path: "/api/v1/request", body: json(["user_input": "Write tests for add(a, b)", "task_type": "test_generation"]))
            let operatorPrompt = try await store.createPrompt(.init(taskType: "code_generation", text: "You are a coder. Write code.", status: .active, author: .operator))

            let answer = try await role.fetch(.GET, path: "/api/v1/stats/timeline?hours=2&bucket_minutes=5")
            let bad = try await role.fetch(.GET, path: "/api/v1/stats/timeline?bucket_minutes=0")
            let tooMany = try await role.fetch(.GET, path: "/api/v1/stats/timeline?hours=100&bucket_minutes=1")

            #expect(answer.status == 200)
            let timeline = answer.json
            #expect(timeline["bucket_minutes"] as? Int == 5)
            #expect(timeline["logs"] as? Int == 4)
            #expect(timeline["truncated"] as? Bool == false)
            let overall = try #require(timeline["overall"] as? [[String: Any]])
            #expect(overall.compactMap { $0["count"] as? Int }.reduce(0, +) == 4)
            for point in overall {
                let count = point["count"] as? Int ?? 0
                #expect((point["passed"] as? Int ?? 0) + (point["failed"] as? Int ?? 0) + (point["errors"] as? Int ?? 0) == count)
            }
            let series = try #require(timeline["series"] as? [[String: Any]])
            #expect(series.compactMap { $0["task_type"] as? String } == ["code_generation", "test_generation"])
            let events = try #require(timeline["events"] as? [[String: Any]])
            let times = events.compactMap { $0["at"] as? String }
            #expect(times == times.sorted())
            let last = try #require(events.last { $0["prompt_id"] as? Int == Int(operatorPrompt.id) && $0["status"] as? String == "active" })
            #expect(last["author"] as? String == "operator")
            #expect(last["version"] as? Int == operatorPrompt.version)
            #expect(bad.status == 400 && bad.errorMessage?.contains("bucket_minutes") == true)
            #expect(tooMany.status == 400 && tooMany.errorMessage?.contains("2000 buckets") == true)
        }
    }

    /// Every `<tag class="cls" ...>` in the DOM, as its attributes.
    static func tags(_ tag: String, withClass cls: String, in dom: String) -> [[String: String]] {
        let tagPattern = try! NSRegularExpression(pattern: "<\(tag)\\b[^>]*>")
        let attributePattern = try! NSRegularExpression(pattern: #"([a-z-]+)="([^"]*)""#)
        return tagPattern.matches(in: dom, range: NSRange(dom.startIndex..., in: dom)).compactMap { match in
            let text = String(dom[Range(match.range, in: dom)!])
            var attributes: [String: String] = [:]
            for attribute in attributePattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                attributes[String(text[Range(attribute.range(at: 1), in: text)!])] = String(text[Range(attribute.range(at: 2), in: text)!])
            }
            return attributes["class"]?.split(separator: " ").contains(Substring(cls)) == true ? attributes : nil
        }
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// Debian's `chromium`, run headless as a child process. The waits happen on a dispatch thread:
/// the cooperative pool has two threads here, and blocking one stalls the server under test.
enum HeadlessChromium {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static func dumpDOM(chromium: String, url: String) async throws -> String {
        // The virtual time budget lets the page's fetches and rendering finish before the dump.
        let output = try await run(chromium, ["--virtual-time-budget=15000", "--dump-dom", url])
        return String(decoding: output, as: UTF8.self)
    }

    static func screenshot(chromium: String, url: String, to path: String) async throws {
        _ = try await run(chromium, ["--virtual-time-budget=15000", "--hide-scrollbars", "--window-size=1400,1800", "--screenshot=\(path)", url])
    }

    private static func run(_ chromium: String, _ arguments: [String]) async throws -> Data {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                      "--user-data-dir=\(profile.path)"]
        // A hung browser must not hang the test run.
        let run = try await runProgram(chromium, common + arguments, timeout: .seconds(90))
        guard run.exitCode == 0 else {
            throw ChromiumFailure(message: "chromium exited with \(run.exitCode)")
        }
        return run.stdout
    }

    struct ChromiumFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
