public import ArgumentParser
import Foundation

/// `selfheal`: one binary, every role and tool. With no subcommand it serves a role.
public struct SelfHealCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "selfheal",
        abstract: "A self-healing service for LLM code generation.",
        discussion: """
            Run a role:  selfheal --role manager|worker|evaluator|optimizer|all [options]
            Every option also reads an environment variable, named in its help.
            """,
        subcommands: [ServeCommand.self, RulesCommand.self, BenchCommand.self, SamplesCommand.self, PromptsCommand.self],
        defaultSubcommand: ServeCommand.self
    )

    public init() {}

    /// Runs the command line. A wrong flag or value prints one line naming the problem
    /// and exits non-zero; `--help` prints the full help.
    public static func runMain(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as UsageError {
            FileHandle.standardError.write(Data("selfheal: \(error.description)\n".utf8))
            return 1
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is CleanExit {
                exit(withError: error)
            }
            if let exit = error as? ExitCode { return exit.rawValue }
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("selfheal: \(message)\n".utf8))
            return code.rawValue == 0 ? 1 : code.rawValue
        }
    }
}
