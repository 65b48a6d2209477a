/// What one optimizer run decided for one task type: the `decision` of its `optimizer_runs` row
/// and the label of `selfheal_optimizer_runs_total{decision}`.
public enum OptimizerDecision: String, Sendable, CaseIterable {
    /// Nothing to do: no canary, no regression, the trigger did not fire (or nothing to fix).
    case noop
    /// The trigger fired, but a recent action is still within the cooldown.
    case cooldown
    /// Another optimizer holds this task type's lease.
    case locked
    /// A candidate won its replay and now serves the canary share.
    case canaryStarted = "canary_started"
    /// A candidate won its replay and, with a canary share of 0, is active at once.
    case activated
    /// A candidate lost its replay (or could not be replayed) and never serves traffic.
    case candidateRejected = "candidate_rejected"
    case promoted
    case canaryWait = "canary_wait"
    case canaryRolledBack = "canary_rolled_back"
    /// The canary was written against a version that no longer serves (an operator activated
    /// another one): it is rejected rather than compared with a version it never knew.
    case canarySuperseded = "canary_superseded"
    case regressionRolledBack = "regression_rolled_back"
    /// The store, the rewrite LLM or a plugin failed; nothing was changed (details say why).
    case error

    /// Decisions that changed prompt state or tried a rewrite: they start the cooldown.
    var startsCooldown: Bool {
        switch self {
        case .canaryStarted, .activated, .candidateRejected, .promoted, .canaryRolledBack, .canarySuperseded, .regressionRolledBack: true
        default: false
        }
    }
}
