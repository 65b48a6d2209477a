import SelfHealCore
import Testing
@testable import SelfHealSandbox

/// Which free slot a job gets: the lowest rank its caller gives (a warm host on its own event
/// loop that has cleared up comes first), then the slot freed longest ago.
struct SandboxSlotsTests {
    @Test("without a rank, free slots are taken in the order they were freed")
    func freedOrder() async throws {
        let slots = SandboxSlots(count: 3, queueLength: 0)
        let a = try await slots.acquire(), b = try await slots.acquire(), c = try await slots.acquire()
        #expect([a, b, c] == [0, 1, 2])
        slots.release(b)
        slots.release(a)
        #expect(try await slots.acquire() == b)
        #expect(try await slots.acquire() == a)
    }

    @Test("the free slot of the lowest rank is taken, ties in the order they were freed")
    func ranked() async throws {
        let slots = SandboxSlots(count: 4, queueLength: 0)
        #expect(try await slots.acquire(rank: [3, 1, 0, 1]) == 2)
        #expect(try await slots.acquire(rank: [3, 1, 0, 1]) == 1)
        #expect(try await slots.acquire(rank: [3, 1, 0, 1]) == 3)
        #expect(try await slots.acquire(rank: [3, 1, 0, 1]) == 0)
        #expect(slots.occupancy.running == 4)
        // A rank of the wrong length is no preference.
        slots.release(3)
        slots.release(0)
        #expect(try await slots.acquire(rank: [1, 0]) == 3)
    }

    @Test("with every slot taken and no room to wait, a job is turned away")
    func busy() async throws {
        let slots = SandboxSlots(count: 1, queueLength: 0)
        _ = try await slots.acquire(rank: [0])
        await #expect(throws: SandboxError.self) { try await slots.acquire(rank: [0]) }
    }
}
