import Foundation

/// The verdict-truth corpus (`bench/truth/`): tasks with their reference solutions and tests,
/// and mutants whose labels were verified by running those tests.
struct TruthCorpus {
    struct Task: Decodable {
        var id: String
        var entryPoint: String
        var task: String
        var taskWithoutExamples: String
        var solution: String
        var tests: String

        /// Whether the task text states a worked example (its example-free form differs).
        var showsExample: Bool { task != taskWithoutExamples }

        enum CodingKeys: String, CodingKey {
            case id, task, solution, tests
            case entryPoint = "entry_point"
            case taskWithoutExamples = "task_without_examples"
        }
    }

    struct Mutant: Decodable {
        var id: String
        var task: String
        var kind: String
        var code: String
    }

    /// One thing to score: a reference solution ("correct") or a mutant (its kind).
    struct Candidate {
        var id: String
        var label: String
        var code: String
        var task: Task
        var isCorrect: Bool { label == "correct" }
    }

    static let subtleKinds = ["operator", "off_by_one", "return", "edge", "swap", "none"]
    static let crudeKinds = ["stub", "syntax", "loop", "import_raise"]

    var tasks: [Task]
    var mutants: [Mutant]

    /// Reads `DIR/tasks.jsonl` and `DIR/mutants.jsonl`; a missing or malformed file is an error naming it and the line.
    static func load(_ directory: String) throws -> TruthCorpus {
        TruthCorpus(tasks: try lines(directory + "/tasks.jsonl"), mutants: try lines(directory + "/mutants.jsonl"))
    }

    private static func lines<T: Decodable>(_ path: String) throws -> [T] {
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("--corpus: cannot read \(path)") }
        var result: [T] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() where !line.isEmpty {
            do {
                result.append(try JSONDecoder().decode(T.self, from: Data(line.utf8)))
            } catch {
                throw UsageError("--corpus: \(path) line \(index + 1) is not a corpus entry: \(error)")
            }
        }
        return result
    }

    /// Every candidate of the first `limit` tasks (all tasks when nil): references, then mutants.
    func candidates(limit: Int?) -> [Candidate] {
        let chosen = limit.map { Array(tasks.prefix($0)) } ?? tasks
        let byId = Dictionary(chosen.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return chosen.map { Candidate(id: $0.id, label: "correct", code: $0.solution, task: $0) }
            + mutants.compactMap { mutant in byId[mutant.task].map { Candidate(id: mutant.id, label: mutant.kind, code: mutant.code, task: $0) } }
    }
}
