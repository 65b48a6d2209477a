import Foundation
import NIOHTTP1
@testable import SelfHealLLM
import Testing

@Suite("Reading Retry-After")
struct RetryAfterTests {
    @Test("seconds, an HTTP date, milliseconds, and nonsense")
    func forms() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
        #expect(RetryAfter.parse(HTTPHeaders([("Retry-After", "7")]), now: now) == .seconds(7))
        #expect(RetryAfter.parse(HTTPHeaders([("Retry-After", "Tue, 14 Nov 2023 22:13:32 GMT")]), now: now) == .seconds(12))
        #expect(RetryAfter.parse(HTTPHeaders([("Retry-After", "Tue, 14 Nov 2023 22:00:00 GMT")]), now: now) == .zero)
        #expect(RetryAfter.parse(HTTPHeaders([("retry-after-ms", "250")]), now: now) == .milliseconds(250))
        #expect(RetryAfter.parse(HTTPHeaders([("Retry-After", "soon")]), now: now) == nil)
        #expect(RetryAfter.parse(HTTPHeaders(), now: now) == nil)
    }

    @Test("backoff doubles, stays within its cap, and is jittered")
    func backoff() {
        let policy = ResiliencePolicy(baseDelay: .milliseconds(100), maxDelay: .milliseconds(800))
        for attempt in 0..<6 {
            let expected = min(100 * (1 << attempt), 800)
            let delays = (0..<20).map { _ in policy.backoff(afterAttempt: attempt) }
            #expect(delays.allSatisfy { $0 >= .milliseconds(expected / 2) && $0 <= .milliseconds(expected) })
        }
        let spread = Set((0..<20).map { _ in policy.backoff(afterAttempt: 3) })
        #expect(spread.count > 1)
    }
}
