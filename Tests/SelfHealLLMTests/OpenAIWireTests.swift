import Foundation
import SelfHealCore
@testable import SelfHealLLM
import Testing

/// The chat request is written by hand (`JSONWriter`): it must read back as what `JSONEncoder`
/// writes for it (whose key order varies from run to run), with and without its optional fields.
struct OpenAIWireTests {
    @Test("a chat request is written as JSONEncoder writes it", arguments: [true, false])
    func requestBytes(optionalsSet: Bool) throws {
        let request = OpenAIWire.Request(
            model: "gpt/4o-mini",
            messages: [
                .init(role: "system", content: "Answer in \"Python\".\nUse / and \\ freely\t✓"),
                .init(role: "user", content: "Write add(a, b)\u{1}"),
            ],
            temperature: optionalsSet ? 0.2 : nil, maxTokens: optionalsSet ? 1024 : nil
        )
        let expected = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(request)) as? NSDictionary
        let written = try JSONSerialization.jsonObject(with: Data(request.jsonBytes)) as? NSDictionary
        #expect(written != nil && written == expected)
    }
}
