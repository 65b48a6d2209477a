import Foundation

/// One request of a sample file: the body of `POST /api/v1/request`, where it came from.
struct Sample: Sendable, Equatable {
    var category: String
    /// Position in its file, from 0, so a result can be traced back to its sample.
    var index: Int
    var userInput: String
    var taskType: String?
    var language: String?
    var tests: String?
    var entryPoint: String?

    /// The request body, with only the fields the manager accepts.
    var body: [String: String] {
        var body = ["user_input": userInput]
        body["task_type"] = taskType
        body["language"] = language
        body["tests"] = tests
        body["entry_point"] = entryPoint
        return body
    }
}

/// The sample files of a folder: `samples/NAME.json` is the category NAME, a JSON array of
/// request objects. Loading checks every file completely before anything is sent, so a typo in
/// sample 7 is one clear line, not a confusing 422 in the middle of a run.
struct SampleSuite: Sendable {
    /// The categories `selfheal samples` runs when none is named, in this order.
    static let standardCategories = ["easy", "medium", "hard", "very_hard", "edge_cases", "stress"]
    static let fields: Set<String> = ["user_input", "task_type", "language", "tests", "entry_point"]

    var samples: [Sample]

    /// Loads the named categories from `directory`, in the order given.
    static func load(directory: String, categories: [String]) throws -> SampleSuite {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UsageError("--samples: no folder at '\(directory)' (run from the repository root, or pass --samples DIR)")
        }
        let available = availableCategories(directory: directory)
        var seen: Set<String> = []
        var samples: [Sample] = []
        for category in categories where seen.insert(category).inserted {
            guard available.contains(category) else {
                throw UsageError("--categories: no samples for '\(category)' in \(directory); available: \(available.joined(separator: ", "))")
            }
            samples += try load(file: (directory as NSString).appendingPathComponent("\(category).json"), category: category)
        }
        return SampleSuite(samples: samples)
    }

    /// Every `NAME.json` in the folder, the standard categories first.
    static func availableCategories(directory: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let names = files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
        return standardCategories.filter(names.contains) + names.filter { !standardCategories.contains($0) }.sorted()
    }

    static func load(file: String, category: String) throws -> [Sample] {
        let name = (file as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: file) else {
            throw UsageError("\(name): cannot read the file")
        }
        guard let array = (try? JSONSerialization.jsonObject(with: data)) as? [Any] else {
            throw UsageError("\(name): not a JSON array of request objects")
        }
        guard !array.isEmpty else { throw UsageError("\(name): holds no samples") }
        return try array.enumerated().map { index, element in
            guard let object = element as? [String: Any] else {
                throw UsageError("\(name) sample \(index): not a JSON object")
            }
            if let unknown = object.keys.filter({ !fields.contains($0) }).sorted().first {
                throw UsageError("\(name) sample \(index): unknown field '\(unknown)'; known: \(fields.sorted().joined(separator: ", "))")
            }
            func string(_ key: String) throws -> String? {
                guard let value = object[key], !(value is NSNull) else { return nil }
                guard let text = value as? String else { throw UsageError("\(name) sample \(index): '\(key)' must be a string") }
                return text
            }
            // An empty or blank user_input is allowed on purpose: edge cases check that the
            // manager refuses it with a 422.
            guard let userInput = try string("user_input") else {
                throw UsageError("\(name) sample \(index): 'user_input' is required")
            }
            let sample = Sample(
                category: category, index: index, userInput: userInput, taskType: try string("task_type"),
                language: try string("language"), tests: try string("tests"), entryPoint: try string("entry_point")
            )
            // Without an entry point nothing calls `check`, and the tests would pass vacuously.
            if let tests = sample.tests, tests.contains("def check("), sample.entryPoint == nil {
                throw UsageError("\(name) sample \(index): 'tests' defines check(candidate) but no 'entry_point' names the candidate")
            }
            return sample
        }
    }
}
