import MetricsTestKit
import SelfHealCore
import SelfHealLLM
import Testing

@Suite("LLM metrics")
struct MeteredProviderTests {
    @Test("a call counts as ok, with its duration and its tokens in each direction")
    func success() async throws {
        let metrics = TestMetrics()
        let provider = MeteredProvider(CannedProvider(answer: "print(1)"), factory: metrics)

        _ = try await provider.complete(chatRequest)

        #expect(try metrics.expectCounter("selfheal_llm_requests_total", [("provider", "canned"), ("status", "ok")]).totalValue == 1)
        #expect(try metrics.expectCounter("selfheal_llm_tokens_total", [("provider", "canned"), ("direction", "input")]).totalValue == 1)
        #expect(try metrics.expectCounter("selfheal_llm_tokens_total", [("provider", "canned"), ("direction", "output")]).totalValue == 1)
        #expect(try metrics.expectTimer("selfheal_llm_request_duration_seconds", [("provider", "canned")]).values.count == 1)
    }

    @Test("a failure counts under its kind")
    func failure() async throws {
        let metrics = TestMetrics()
        let provider = MeteredProvider(FailingProvider(), factory: metrics)

        _ = await llmError { try await provider.complete(chatRequest) }

        #expect(try metrics.expectCounter("selfheal_llm_requests_total", [("provider", "failing"), ("status", "timeout")]).totalValue == 1)
        #expect(metrics.counters(label: "selfheal_llm_tokens_total").isEmpty)
    }
}
