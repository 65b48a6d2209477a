import CLua
import CLuaSandbox
import SelfHealTestSupport
import Testing
@testable import SelfHealLua

/// The sandbox's allocator keeps small freed blocks for reuse (Sources/CLuaSandbox/allocator.c).
/// Called directly, as Lua calls it, through thousands of random allocations, growths, shrinks
/// and frees across the small classes and malloc's own sizes: every block keeps its bytes, the
/// state's count is exactly the bytes asked for, the cap still refuses, and what is kept for
/// reuse stays bounded and is all given back.
@Suite struct AllocatorTests {
    /// A state's allocator and its bookkeeping; `body` gets both.
    func withAllocator(_ body: (lua_Alloc, UnsafeMutablePointer<LuaSandboxLimits>) -> Void) {
        let limits = UnsafeMutablePointer<LuaSandboxLimits>.allocate(capacity: 1)
        limits.initialize(to: LuaSandboxLimits())
        limits.pointee.limit = .max
        let L = lsb_newstate(limits)!
        var ud: UnsafeMutableRawPointer?
        let alloc = lua_getallocf(L, &ud)!
        body(alloc, limits)
        lsb_close(L)
        #expect(limits.pointee.cached == 0, "closing the state freed the blocks kept for reuse")
        #expect(limits.pointee.used == 0, "every byte Lua asked for was given back")
        limits.deallocate()
    }

    /// A size from every range the allocator treats apart: tiny, each class's edges, past the
    /// largest class, and large.
    func size(_ random: inout SplitMix64) -> Int {
        switch random.below(4) {
        case 0: 1 + random.below(32)
        case 1: 1 + random.below(Int(LSB_SIZE_CLASSES) * Int(LSB_CLASS_BYTES))
        case 2: Int(LSB_SIZE_CLASSES) * Int(LSB_CLASS_BYTES) - 8 + random.below(16)
        default: 1 + random.below(5000)
        }
    }

    @Test("blocks keep their bytes and the count is the bytes asked for, through 20,000 random allocations, resizes and frees")
    func randomTraffic() {
        withAllocator { alloc, limits in
            let base = limits.pointee.used
            var random = SplitMix64(seed: 31)
            var live: [(block: UnsafeMutableRawPointer, size: Int, fill: UInt8)] = []
            func check(_ block: UnsafeMutableRawPointer, _ count: Int, _ fill: UInt8) -> Bool {
                (0..<count).allSatisfy { block.load(fromByteOffset: $0, as: UInt8.self) == fill }
            }
            for step in 0..<20_000 {
                let choice = live.isEmpty ? 0 : random.below(3)
                if choice == 0 {
                    let size = size(&random)
                    // A new block: Lua passes the object's type tag as osize.
                    let block = alloc(limits, nil, 5, size)!
                    let fill = UInt8(truncatingIfNeeded: step)
                    block.initializeMemory(as: UInt8.self, repeating: fill, count: size)
                    live.append((block, size, fill))
                } else if choice == 1 {
                    let index = random.below(live.count)
                    let (block, old, fill) = live[index]
                    let size = size(&random)
                    let moved = alloc(limits, block, old, size)!
                    #expect(check(moved, min(old, size), fill), "step \(step): \(old) -> \(size) bytes lost its contents")
                    moved.initializeMemory(as: UInt8.self, repeating: fill, count: size)
                    live[index] = (moved, size, fill)
                } else {
                    let index = random.below(live.count)
                    let (block, size, fill) = live.remove(at: index)
                    #expect(check(block, size, fill), "step \(step): a block of \(size) bytes was written over")
                    #expect(alloc(limits, block, size, 0) == nil)
                }
                #expect(limits.pointee.used == base + live.reduce(0) { $0 + $1.size }, "step \(step)")
            }
            for (block, size, _) in live { _ = alloc(limits, block, size, 0) }
            #expect(limits.pointee.used == base)
        }
    }

    @Test("the cap refuses growth past it, small blocks kept for reuse included, and lets shrinks through")
    func capStillHolds() {
        withAllocator { alloc, limits in
            // Blocks of every class freed, so each class has one kept.
            for size in stride(from: 1, through: Int(LSB_SIZE_CLASSES) * Int(LSB_CLASS_BYTES), by: 8) {
                let block = alloc(limits, nil, 5, size)!
                _ = alloc(limits, block, size, 0)
            }
            #expect(limits.pointee.cached > 0)
            limits.pointee.limit = limits.pointee.used + 100
            let block = alloc(limits, nil, 5, 64)!
            #expect(alloc(limits, nil, 5, 64) == nil, "36 bytes left: 64 refused though a kept block would serve")
            #expect(alloc(limits, block, 64, 200) == nil, "a growth past the cap is refused")
            let shrunk = alloc(limits, block, 64, 8)
            #expect(shrunk != nil, "a shrink never fails")
            limits.pointee.limit = .max
            _ = alloc(limits, shrunk, 8, 0)
        }
    }

    @Test("what is kept for reuse stays bounded however much was freed")
    func keptIsBounded() {
        withAllocator { alloc, limits in
            let blocks = (0..<50_000).map { _ in alloc(limits, nil, 5, 200)! }
            for block in blocks { _ = alloc(limits, block, 200, 0) }
            #expect(limits.pointee.cached <= 256 * 1024 + Int(LSB_SIZE_CLASSES) * Int(LSB_CLASS_BYTES))
            #expect(limits.pointee.cached >= 200 * 1024, "blocks were kept")
        }
    }
}
