import Foundation

/// What `selfheal bench truth` measured: per mode, how many correct solutions the verdict
/// passed, how many mutants of each kind it caught, and the balanced accuracy of the two.
struct TruthReport: Encodable {
    struct KindResult: Encodable {
        var kind: String
        var total: Int
        var caught: Int
    }

    struct ModeResult: Encodable {
        var mode: String
        var correctTotal: Int
        var correctPassed: Int
        var kinds: [KindResult]
        var errors: Int
        var balancedAccuracy: Double
        var candidatesPerSecond: Double
        var slowestCandidate: String
        var slowestMilliseconds: Double

        enum CodingKeys: String, CodingKey {
            case mode, kinds, errors
            case correctTotal = "correct_total"
            case correctPassed = "correct_passed"
            case balancedAccuracy = "balanced_accuracy"
            case candidatesPerSecond = "candidates_per_second"
            case slowestCandidate = "slowest_candidate"
            case slowestMilliseconds = "slowest_ms"
        }

        /// `passed` nil: the evaluator answered an error; counted as not passed, and as an error.
        init(mode: String, outcomes: [(candidate: TruthCorpus.Candidate, passed: Bool?, milliseconds: Double)], seconds: Double) {
            self.mode = mode
            let correct = outcomes.filter { $0.candidate.isCorrect }
            correctTotal = correct.count
            correctPassed = correct.filter { $0.passed == true }.count
            let mutants = outcomes.filter { !$0.candidate.isCorrect }
            kinds = (TruthCorpus.subtleKinds + TruthCorpus.crudeKinds).map { kind in
                let ofKind = mutants.filter { $0.candidate.label == kind }
                return KindResult(kind: kind, total: ofKind.count, caught: ofKind.filter { $0.passed != true }.count)
            }
            errors = outcomes.filter { $0.passed == nil }.count
            let passRate = correctTotal == 0 ? 0 : Double(correctPassed) / Double(correctTotal)
            let catchRate = mutants.isEmpty ? 0 : Double(mutants.filter { $0.passed != true }.count) / Double(mutants.count)
            balancedAccuracy = (passRate + catchRate) / 2
            candidatesPerSecond = seconds > 0 ? Double(outcomes.count) / seconds : 0
            let slowest = outcomes.max { $0.milliseconds < $1.milliseconds }
            slowestCandidate = slowest?.candidate.id ?? "-"
            slowestMilliseconds = slowest?.milliseconds ?? 0
        }

        func caught(_ kinds: [String]) -> (caught: Int, total: Int) {
            let chosen = self.kinds.filter { kinds.contains($0.kind) }
            return (chosen.map(\.caught).reduce(0, +), chosen.map(\.total).reduce(0, +))
        }
    }

    var corpus: Int
    var tasks: Int
    var server: String
    var modes: [ModeResult]

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func text() -> String {
        func percent(_ part: Int, _ whole: Int) -> String {
            whole == 0 ? "-" : String(format: "%5.1f %%", 100 * Double(part) / Double(whole))
        }
        var lines = ["selfheal bench truth: \(corpus) candidates over \(tasks) tasks; evaluator: \(server)"]
        for mode in modes {
            let subtle = mode.caught(TruthCorpus.subtleKinds), crude = mode.caught(TruthCorpus.crudeKinds)
            lines.append("")
            lines.append("mode \(mode.mode) (\(Self.describe(mode.mode)))")
            lines.append("  correct passed      \(mode.correctPassed)/\(mode.correctTotal)  \(percent(mode.correctPassed, mode.correctTotal))")
            lines.append("  subtle caught       \(subtle.caught)/\(subtle.total)  \(percent(subtle.caught, subtle.total))")
            for kind in mode.kinds where TruthCorpus.subtleKinds.contains(kind.kind) {
                lines.append("    " + kind.kind.padded(to: 16) + "\(kind.caught)/\(kind.total)  \(percent(kind.caught, kind.total))")
            }
            lines.append("  crude caught        \(crude.caught)/\(crude.total)  \(percent(crude.caught, crude.total))")
            for kind in mode.kinds where TruthCorpus.crudeKinds.contains(kind.kind) {
                lines.append("    " + kind.kind.padded(to: 16) + "\(kind.caught)/\(kind.total)  \(percent(kind.caught, kind.total))")
            }
            lines.append(String(format: "  balanced accuracy   %.3f", mode.balancedAccuracy))
            lines.append(
                String(format: "  candidates/s        %.1f", mode.candidatesPerSecond)
                    + "   slowest \(mode.slowestCandidate) (\(Int(mode.slowestMilliseconds)) ms)   errors \(mode.errors)"
            )
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ mode: String) -> String {
        switch mode {
        case "tests": "the task's tests sent with the answer"
        case "examples": "no tests; the tasks whose text shows an example, with it"
        default: "no tests; the task text without examples"
        }
    }
}
