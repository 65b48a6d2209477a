import Foundation
import NIOCore
import NIOPosix
import SelfHealCommands

// NIO's event loops become Swift Concurrency's global executor, before any task starts: a
// request's tasks then run on the event loop its connection's I/O is on, instead of handing
// each read, write and LLM call between NIO's threads and the cooperative pool (`bench overhead`
// measured ~10 % less CPU per request). Nothing in selfheal blocks a task: SQLite, Lua and the
// sandbox's waits run on their own threads.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

// The executable otherwise only hands the command line to SelfHealCommands.
exit(await SelfHealCommand.runMain())
