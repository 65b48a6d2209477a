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
}
