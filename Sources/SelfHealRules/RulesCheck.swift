import Foundation
import SelfHealCore
public import SelfHealLua

/// `selfheal rules check`: loads and validates a rules folder (and a plugins folder), then
/// dry-runs every rule on the built-in good and bad samples. Any load error, or a rule that
/// errors, exhausts its limits or returns a bad value on a sample, fails the check, naming
/// file and line.
public enum RulesCheck {
    public static func run(rulesDirectory: String, pluginsDirectory: String?, limits: LuaLimits = .default) -> (report: String, ok: Bool) {
        var report = ""
        var ok = true
        func say(_ line: String) { report += line + "\n" }

        do {
            let snapshot = try LuaFolderSnapshot.read(directory: rulesDirectory)
            switch RuleSetLoader.load(snapshot, limits: limits) {
            case .failure(let error):
                ok = false
                say("rules: \(snapshot.directory): \(error.problems.count) problem(s), nothing loaded")
                for problem in error.problems { say("error: \(problem)") }
            case .success(let runtime):
                ok = dryRun(runtime, say: say) && ok
            }
        } catch {
            ok = false
            say("error: \(error)")
        }

        if let pluginsDirectory {
            say("")
            ok = checkPlugins(pluginsDirectory, limits: limits, say: say) && ok
        }
        say(ok ? "OK" : "FAILED")
        return (report, ok)
    }

    private static func dryRun(_ runtime: RuleRuntime, say: (String) -> Void) -> Bool {
        let set = runtime.set
        let policy = set.policy
        say("rules: \(set.snapshot.directory) (version \(set.version), \(set.rules.count) rules)")
        say("scoring: weights rules \(format(policy.weights.rules)) judge \(format(policy.weights.judge)), "
            + "pass threshold \(format(policy.passThreshold)), judge unavailable: \(policy.onJudgeUnavailable.rawValue)")
        say("")
        let samples = SampleOutputs.samples
        // outcomes[sample][rule name]
        var outcomes: [[String: RuleOutcome]] = []
        var ruleScores: [Double?] = []
        for sample in samples {
            let results = runtime.evaluate(sample.context)
            outcomes.append(Dictionary(uniqueKeysWithValues: results.map { ($0.result.name, $0) }))
            ruleScores.append(RulesEngine.combine(results.map(\.result), set: set).ruleScore)
        }

        let nameWidth = max(24, (set.rules.map(\.name.count).max() ?? 0) + 2)
        var header = pad("rule", nameWidth) + pad("weight", 8) + pad("req", 5)
        for sample in samples { header += pad(sample.label, 13) }
        say(header + "max time")
        var ok = true
        var errors: [String] = []
        for rule in set.rules {
            var row = pad(rule.name, nameWidth) + pad(format(rule.weight), 8) + pad(rule.required ? "yes" : "", 5)
            var slowest = 0.0
            for (sampleIndex, sample) in samples.enumerated() {
                guard rule.applies(to: sample.context.taskType) else { row += pad("·", 13); continue }
                guard let outcome = outcomes[sampleIndex][rule.name] else { row += pad("n/a", 13); continue }
                slowest = max(slowest, outcome.seconds)
                if let failure = outcome.failure {
                    ok = false
                    row += pad("ERROR", 13)
                    let file = rule.file
                    let line = failure.line ?? rule.checkLine
                    errors.append("error: \(file):\(line): on sample '\(sample.label)': \(outcome.result.reason)")
                } else {
                    row += pad(format(outcome.result.score), 13)
                }
            }
            say(row + String(format: "%.0f µs", slowest * 1e6))
        }
        var total = pad("rule score", nameWidth) + pad("", 13)
        for score in ruleScores { total += pad(score.map(format) ?? "-", 13) }
        say(total)
        say("")
        say("· = the rule does not apply to the task type; n/a = the rule returned nil for this output")
        for error in errors { say(error) }
        // A rule set that scores a bad answer as high as a good one is almost certainly broken.
        for pair in stride(from: 0, to: samples.count - 1, by: 2) {
            if let good = ruleScores[pair], let bad = ruleScores[pair + 1], good <= bad {
                say("warning: '\(samples[pair].label)' scores \(format(good)), not above '\(samples[pair + 1].label)' (\(format(bad)))")
            }
        }
        return ok
    }

    private static func checkPlugins(_ directory: String, limits: LuaLimits, say: (String) -> Void) -> Bool {
        do {
            let snapshot = try LuaFolderSnapshot.read(directory: directory)
            say("plugins: \(snapshot.directory) (version \(snapshot.version), \(snapshot.files.count) files)")
            var ok = true
            for file in snapshot.files {
                do {
                    let state = try LuaState(limits: limits)
                    let value = try state.loadChunk(file.source, name: file.name)
                    if value.tableValue == nil {
                        ok = false
                        say("error: \(file.path):\(SourceLines.line(of: nil, in: file.source)): a plugin file must return a table (got \(value.typeName))")
                    } else {
                        say("ok: \(file.path)")
                    }
                } catch {
                    ok = false
                    say("error: \(RuleSetLoader.problem(error, file: file, limits: limits))")
                }
            }
            return ok
        } catch {
            say("error: \(error)")
            return false
        }
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
