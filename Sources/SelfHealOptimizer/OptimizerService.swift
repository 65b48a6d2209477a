public import Logging
public import ServiceLifecycle

/// Runs an optimizer pass over the task types every `interval` until graceful shutdown: the
/// `--interval` form of the optimizer role. A pass in progress at shutdown is abandoned at its
/// next suspension point; its lease expires on its own (`lease_seconds`).
public struct OptimizerService: Service {
    let optimizer: Optimizer
    let taskTypes: [String]
    let interval: Duration
    let logger: Logger

    public init(optimizer: Optimizer, taskTypes: [String], interval: Duration, logger: Logger) {
        self.optimizer = optimizer
        self.taskTypes = taskTypes
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    // `runPass` never throws: each task type's failure is its own recorded run.
                    _ = await optimizer.runPass(taskTypes: taskTypes)
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            logger.info("Optimizer loop stopped")
        }
    }
}
