import Foundation
import Logging
import SelfHealCore
import SelfHealOptimizer
import SelfHealServer

/// `selfheal --role optimizer` without `--interval`: one pass over every task type, then
/// exit (a Kubernetes CronJob). Each decision is logged; a pass that errored exits non-zero
/// so the Job shows as failed.
enum OptimizerPass {
    static func runOnce(config: RoleConfiguration, providers: LLMProviders, logger: Logger) async throws {
        let assembled = try await RoleAssembly.assemble(config: config, providers: providers, logger: logger, serving: false)
        guard let optimizer = assembled.optimizer else {
            await assembled.close()
            throw UsageError("--role optimizer: the optimizer could not be assembled")
        }
        let runs = await optimizer.runPass(taskTypes: config.taskTypes.known)
        await assembled.close()
        for run in runs {
            logger.info(
                "Optimizer decision",
                metadata: ["task_type": "\(run.taskType)", "decision": "\(run.decision)", "trigger": "\(run.trigger ?? "")"]
            )
        }
        let failed = runs.filter { $0.decision == "error" }
        if !failed.isEmpty {
            throw UsageError("optimizer pass failed for \(failed.map(\.taskType).joined(separator: ", ")): \(failed.compactMap(\.details).joined(separator: "; "))")
        }
    }
}
