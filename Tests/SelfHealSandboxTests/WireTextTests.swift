import Foundation
import Testing
@testable import SelfHealSandbox

/// The warm host's request header is written by hand: what it writes must read back as the
/// same strings in any JSON reader (Python's, on the host's side).
struct WireTextTests {
    @Test("strings with quotes, backslashes, control characters and non-ASCII text read back unchanged")
    func stringsReadBack() throws {
        let texts = ["plain", "say \"hi\"", #"C:\path\n"#, "tab\tnew\nline\u{1}\u{1f}", "héllo ✓ 𝄞", "", "}]{["]
        var buffer: [UInt8] = []
        WireText.appendArray(texts, to: &buffer)
        let decoded = try JSONSerialization.jsonObject(with: Data(buffer)) as? [String]
        #expect(decoded == texts)
    }

    /// A job's message: its length, a JSON header every reader reads as the request, then the
    /// files' bytes (an omitted file listed with 0 bytes and not sent).
    @Test("a job's header reads back as the request, and the files follow it", arguments: [false, true])
    func jobMessageReadsBack(_ full: Bool) throws {
        var request = WarmHost.Request(
            command: ["python3", "-I", "main \"1\".py"], files: [("main.py", "print('é')\n"), ("harness.py", "x = 1\n"), ("data.txt", "")],
            environment: ["PYTHONHASHSEED": "0", "LANG": "C.UTF-8", "Z\n": "\"quoted\""], timeout: .milliseconds(2_500), outputCap: 65_536
        )
        if full {
            request.trusted = (main: "harness.py", number: 12_345_678_901)
            request.compileOnly = true
            request.staticSmokeEntry = "solve"
        }
        let message = WarmHost.encode(request, omitting: "harness.py")
        let length = message[0..<4].reduce(0) { $0 << 8 | Int($1) }
        #expect(length == message.count - 4)
        let newline = try #require(message[4...].firstIndex(of: 0x0A))
        let header = try #require(try JSONSerialization.jsonObject(with: Data(message[4..<newline])) as? [String: Any])
        #expect(header["command"] as? [String] == request.command)
        #expect(header["env"] as? [String: String] == request.environment)
        #expect(header["timeout_ms"] as? Int == 2_500)
        #expect(header["cap"] as? Int == 65_536)
        let files = try #require(header["files"] as? [[Any]])
        #expect(files.map { $0[0] as? String } == ["main.py", "harness.py", "data.txt"])
        #expect(files.map { $0[1] as? Int } == [Array("print('é')\n".utf8).count, 0, 0])
        #expect(Array(message[(newline + 1)...]) == Array("print('é')\n".utf8))
        #expect(header["trusted"] as? String == (full ? "harness.py" : nil))
        #expect(header["harness_id"] as? Int == (full ? 12_345_678_901 : nil))
        #expect(header["compile_only"] as? Bool == (full ? true : nil))
        #expect(header["smoke_static"] as? String == (full ? "solve" : nil))
        #expect(header.count == (full ? 9 : 5))
    }

    @Test("the host's answers read back with their types", arguments: [
        (#"{"timed_out": false, "out": 12, "err": 0, "status": 0}"#, "err=0 out=12 status=0 timed_out=false"),
        (#"{"timed_out": true, "out": 0, "err": 3, "signal": 9}"#, "err=3 out=0 signal=9 timed_out=true"),
        (#"{"ready": true}"#, "ready=true"), (#"{}"#, ""),
        (#"{"setup_failed": "mounting /tmp: EPERM"}"#, #"setup_failed="mounting /tmp: EPERM""#),
        (#"{"status":-1,"checker":true}"#, "checker=true status=-1"),
        // The longest numbers read, either sign.
        (#"{"out": 999999999999999999, "err": -123456789012345678}"#, "err=-123456789012345678 out=999999999999999999"),
    ])
    func hostAnswers(_ text: String, _ expected: String) throws {
        let header = try #require(WireText.flatObject(ArraySlice(text.utf8)))
        let described = header.members.map(\.name).sorted().map { key -> String in
            if let flag = header.bool(key) { return "\(key)=\(flag)" }
            if let number = header.int(key) { return "\(key)=\(number)" }
            if let text = header.string(key) { return "\(key)=\"\(text)\"" }
            return "\(key)=?"
        }
        #expect(described.joined(separator: " ") == expected)
        // The standard reader's header (the fallback) reads each member as the fast one does.
        let standard = HostHeader(try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]))
        #expect(standard.members.count == header.members.count)
        for (key, value) in header.members {
            switch value {
            case .bool(let flag): #expect(standard.bool(key) == flag, "\(key)")
            case .int(let number): #expect(standard.int(key) == number, "\(key)")
            case .string(let text): #expect(standard.string(key) == text, "\(key)")
            case .other: Issue.record("the fast reader gave an untyped value for \(key)")
            }
        }
    }

    @Test("a name given twice reads as its last value, as a dictionary of the header kept it")
    func repeatedNames() throws {
        let header = try #require(WireText.flatObject(ArraySlice(#"{"out": 1, "clean": false, "out": 2, "clean": true}"#.utf8)))
        #expect(header.int("out") == 2)
        #expect(header.bool("clean") == true)
        #expect(header.int("clean") == nil && header.bool("out") == nil, "each member keeps its type")
    }

    @Test("what the fast reader does not read whole gives nil, never a partial object", arguments: [
        #"{"why": "a \"quoted\" word"}"#, #"{"why": "caf\u00e9"}"#, #"{"nested": {"a": 1}}"#, #"{"list": [1]}"#,
        #"{"x": 1.5}"#, #"{"x": null}"#, #"{"x": 1"#, #"{"x": 1} trailing"#, #"{"x": tru}"#, #"["#, "",
        #"{"x": 12345678901234567890}"#, #"{"x": 1234567890123456789}"#, #"{"x": -1234567890123456789}"#, #"{"out": 01}"#, #"{"out": -00}"#, "{\"why\": \"caf\u{e9}\"}", #"{"x": -}"#, "{\"x\":\t1}", "{\"x\": 1\n}",
    ])
    func outsideTheSubset(_ text: String) {
        #expect(WireText.flatObject(ArraySlice(text.utf8)) == nil)
    }
}

/// The search for a run's records in its stdout, against the standard library's.
struct RecordSearchTests {
    @Test("finds what the standard library finds, where it finds it", arguments: [
        ("", "a"), ("a", "a"), ("abc", "c"), ("abc", "abcd"), ("aab", "ab"), ("abababc", "ababc"), ("xyz", "y"),
        ("selfheal-tests-complete 00ff", "complete 00ff"), ("complete 00f", "complete 00ff"), ("ab", ""),
    ])
    func sameAsStandardLibrary(_ haystack: String, _ needle: String) {
        let bytes = Array(haystack.utf8), pattern = Array(needle.utf8)
        let expected = pattern.isEmpty ? nil : bytes.firstRange(of: pattern)
        #expect(PythonHarness.firstRange(of: pattern, in: bytes) == expected)
    }
}
