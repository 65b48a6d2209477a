import ArgumentParser
import Foundation
import Logging
import SelfHealCore

/// `selfheal prompts ...`: read and change prompt versions straight in the store, for an
/// operator with database access (the manager's admin API does the same over HTTP).
struct PromptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompts",
        abstract: "List, show, diff, activate and roll back prompt versions.",
        subcommands: [List.self, Show.self, Diff.self, Activate.self, Rollback.self]
    )

    struct StoreOptions: ParsableArguments {
        @Option(help: "sqlite:PATH or postgres://... (env: SELFHEAL_DATABASE_URL; default: sqlite:selfheal.db)")
        var database: String?

        func withStore<T>(_ body: (any Store) async throws -> T) async throws -> T {
            let url = database ?? Env.get("SELFHEAL_DATABASE_URL") ?? "sqlite:selfheal.db"
            var logger = Logger(label: "selfheal.prompts")
            logger.logLevel = .warning
            let store = try await StoreFactory.open(url: url, logger: logger)
            do {
                try await store.migrate()
                let result = try await body(store)
                try? await store.close()
                return result
            } catch {
                try? await store.close()
                throw UsageError("\(error)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Prompt versions, newest first.")
        @OptionGroup var store: StoreOptions
        @Option(name: .customLong("task-type"), help: "Only this task type.")
        var taskType: String?

        func run() async throws {
            let prompts = try await store.withStore { try await $0.prompts(taskType: taskType) }
            print(PromptTable.rows(prompts))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One version: text, lineage and status history.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Prompt id.") var id: Int64

        func run() async throws {
            let (prompt, history) = try await store.withStore { store in
                guard let prompt = try await store.prompt(id: id) else { throw StoreError(.notFound, "no prompt version with id \(id)") }
                return (prompt, try await store.promptHistory(id: id))
            }
            print(PromptTable.detail(prompt, history: history))
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Line diff of a version against another (default: its parent).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Prompt id.") var id: Int64
        @Option(help: "Compare against this prompt id.") var against: Int64?

        func run() async throws {
            let text = try await store.withStore { store in
                guard let target = try await store.prompt(id: id) else { throw StoreError(.notFound, "no prompt version with id \(id)") }
                guard let baseId = against ?? target.parentId else {
                    throw StoreError(.invalid, "prompt \(id) has no parent: pass --against ID")
                }
                guard let base = try await store.prompt(id: baseId) else { throw StoreError(.notFound, "no prompt version with id \(baseId)") }
                return "--- v\(base.version) (id \(base.id))\n+++ v\(target.version) (id \(target.id))\n" + LineDiff.unified(from: base.text, to: target.text)
            }
            print(text)
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a version the live one (the next request uses it).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Prompt id.") var id: Int64
        @Option(help: "Why (kept in the status history).") var reason: String = "activated with selfheal prompts activate"

        func run() async throws {
            let prompt = try await store.withStore { try await $0.activatePrompt(id: id, reason: reason) }
            print("activated \(prompt.taskType) v\(prompt.version) (id \(prompt.id))")
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-activate the previously active version of a task type.")
        @OptionGroup var store: StoreOptions
        @Option(name: .customLong("task-type"), help: "The task type.") var taskType: String = TaskTypes.codeGeneration
        @Option(help: "Why (kept in the status history).") var reason: String = "rolled back with selfheal prompts rollback"

        func run() async throws {
            let prompt = try await store.withStore { try await $0.rollbackPrompt(taskType: taskType, reason: reason) }
            print("rolled back \(prompt.taskType) to v\(prompt.version) (id \(prompt.id))")
        }
    }
}
