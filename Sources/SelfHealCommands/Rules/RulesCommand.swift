import ArgumentParser
import Foundation
import SelfHealRules

/// `selfheal rules check`: load, validate and dry-run every rule and plugin.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Work with the Lua scoring rules and optimizer plugins.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load, validate and dry-run every rule on sample outputs; non-zero exit on any error."
        )

        @Option(help: "Folder of Lua scoring rules. (env: SELFHEAL_RULES_DIR; default: rules)")
        var rules: String?

        @Option(help: "Folder of Lua optimizer plugins. (env: SELFHEAL_PLUGINS_DIR; default: plugins)")
        var plugins: String?

        func run() async throws {
            let rulesDirectory = rules ?? Env.get("SELFHEAL_RULES_DIR") ?? "rules"
            let pluginsDirectory = plugins ?? Env.get("SELFHEAL_PLUGINS_DIR") ?? "plugins"
            let outcome = RulesCheck.run(
                rulesDirectory: rulesDirectory,
                pluginsDirectory: FileManager.default.fileExists(atPath: pluginsDirectory) ? pluginsDirectory : nil
            )
            print(outcome.report)
            if !outcome.ok { throw ExitCode.failure }
        }
    }
}
