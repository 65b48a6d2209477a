import Foundation
import SelfHealCommands

// NIO's event loops become Swift Concurrency's global executor, before any task starts: a
// request's tasks then run on the event loop its connection's I/O is on, instead of handing
// each read, write and LLM call between NIO's threads and the cooperative pool (`bench overhead`
// measured ~10 % less CPU per request). What blocks a thread for long stays off the loops:
// SQLite, Lua rules and the sandbox's waits have threads of their own. Not yet: the optimizer's
// Lua plugins run in its task, each up to its wall-clock bound (250 ms), holding one event loop
// meanwhile (before, one of the cooperative pool's threads), a few times per pass.
if !EventLoopGlobalExecutor.install() {
    FileHandle.standardError.write(Data("selfheal: tasks run on Swift's own pool (NIO's event loops could not take it over)\n".utf8))
}

// The executable otherwise only hands the command line to SelfHealCommands.
exit(await SelfHealCommand.runMain())
