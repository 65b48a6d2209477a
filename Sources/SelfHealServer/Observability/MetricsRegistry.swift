import Metrics
public import Prometheus

/// The process-wide Prometheus registry behind swift-metrics. Bootstrapped once per process
/// by the executable; tests that never bootstrap get a registry that simply stays empty.
public enum MetricsRegistry {
    public static let shared = PrometheusCollectorRegistry()

    /// Makes every swift-metrics call in the process land in `shared`.
    public static func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: shared)
        factory.defaultDurationHistogramBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
            .map { Duration.milliseconds($0 * 1000) }
        // Scores live in [0, 1]: tenths make the histogram readable.
        factory.valueHistogramBuckets["selfheal_evaluation_score"] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
        MetricsSystem.bootstrap(factory)
    }

    /// The Prometheus text exposition of every metric recorded so far.
    public static func exposition() -> [UInt8] {
        shared.emitToBuffer()
    }
}
