import SelfHealCore
import Synchronization
import Testing

/// The per-key handles kept for metrics recorded on every request.
@Suite struct HandleCacheTests {
    private final class Made: Sendable {
        let key: String
        init(_ key: String) { self.key = key }
    }

    @Test("a handle is made once per key and the same one is given back; past the limit one is made per use")
    func madeOncePerKeyUpToTheLimit() {
        let cache = HandleCache<String, Made>(limit: 2)
        let makes = Mutex(0)
        func handle(_ key: String) -> Made {
            cache.handle(key) {
                makes.withLock { $0 += 1 }
                return Made(key)
            }
        }
        let a = handle("a")
        #expect(handle("a") === a)
        #expect(handle("a").key == "a")
        let b = handle("b")
        #expect(b !== a && b.key == "b")
        #expect(makes.withLock { $0 } == 2)
        // Full: a third key is made each time, and never pushes out the kept ones.
        #expect(handle("c") !== handle("c"))
        #expect(handle("c").key == "c")
        #expect(makes.withLock { $0 } == 5)
        #expect(cache.count == 2)
        #expect(handle("a") === a && handle("b") === b)
    }
}
