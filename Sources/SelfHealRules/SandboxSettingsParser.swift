import SelfHealCore
import SelfHealLua

/// Reads the `sandbox` table of `rules/scoring.lua`:
/// ```lua
/// sandbox = {
///   timeout_seconds = 10,
///   smoke_timeout_seconds = 3,
///   warm_hosts = true,
///   smoke_runs = true,
///   task_types = { "code_generation", "test_generation" },
///   languages = {
///     python = { run = { "python3", "-I" }, check = { ... }, extension = ".py", entry_call = "check({entry_point})", harness = "python" },
///   },
/// }
/// ```
/// A language entry replaces the built-in one of the same name; the others stay.
enum SandboxSettingsParser {
    /// Returns the settings and, for each problem, the key it is about and a message.
    static func parse(_ value: LuaValue) -> (SandboxSettings, [(key: String, message: String)]) {
        var settings = SandboxSettings()
        var problems: [(key: String, message: String)] = []
        guard case .table(let table) = value else {
            if case .nil = value { return (settings, []) }
            return (settings, [("sandbox", "sandbox must be a table { timeout_seconds = ..., languages = { ... } } (got \(value.typeName))")])
        }
        // Other keys are left for later versions, as at the top level. Inside a language entry
        // they are refused: a misspelt entry_call would silently skip the tests.
        switch table["timeout_seconds"] {
        case .nil: break
        case let timeout where timeout.doubleValue.map({ $0 > 0 && $0 <= 600 }) == true:
            settings.timeoutSeconds = timeout.doubleValue
        case let other:
            problems.append(("timeout_seconds", "sandbox.timeout_seconds must be a number of seconds within (0, 600] (got \(ScoringPolicyParser.describe(other)))"))
        }
        switch table["smoke_timeout_seconds"] {
        case .nil: break
        case let timeout where timeout.doubleValue.map({ $0 > 0 && $0 <= 600 }) == true:
            settings.smokeTimeoutSeconds = timeout.doubleValue!
        case let other:
            problems.append(("smoke_timeout_seconds", "sandbox.smoke_timeout_seconds must be a number of seconds within (0, 600] (got \(ScoringPolicyParser.describe(other)))"))
        }
        switch table["warm_hosts"] {
        case .nil: break
        case .boolean(let on): settings.warmHosts = on
        case let other:
            problems.append(("warm_hosts", "sandbox.warm_hosts must be true or false (got \(ScoringPolicyParser.describe(other)))"))
        }
        switch table["smoke_runs"] {
        case .nil: break
        case .boolean(let on): settings.smokeRuns = on
        case let other:
            problems.append(("smoke_runs", "sandbox.smoke_runs must be true or false (got \(ScoringPolicyParser.describe(other)))"))
        }
        switch table["task_types"] {
        case .nil: break
        case let list:
            if let names = strings(list) { settings.taskTypes = names } else {
                problems.append(("task_types", "sandbox.task_types must be a list of task type names, e.g. { \"code_generation\" }"))
            }
        }
        switch table["languages"] {
        case .nil: break
        case .table(let languages) where languages.array.isEmpty:
            for name in languages.fields.keys.sorted() {
                switch language(name.lowercased(), languages.fields[name]!) {
                case .success(let entry): settings.languages[name.lowercased()] = entry
                case .failure(let message): problems.append((name, "sandbox.languages.\(name): \(message.text)"))
                }
            }
        case let other:
            problems.append(("languages", "sandbox.languages must be a table keyed by language name (got \(other.typeName))"))
        }
        return (settings, problems)
    }

    private struct Message: Error { var text: String }

    private static func language(_ name: String, _ value: LuaValue) -> Result<SandboxSettings.Language, Message> {
        guard case .table(let table) = value else { return .failure(Message(text: "must be a table { run = { ... }, extension = \".py\" }")) }
        let known = ["run", "check", "extension", "entry_call", "harness"]
        if let unknown = table.fields.keys.sorted().first(where: { !known.contains($0) }) {
            return .failure(Message(text: "unknown field '\(unknown)' (known: \(known.joined(separator: ", ")))"))
        }
        guard let run = strings(table["run"]) else { return .failure(Message(text: "run must be a non-empty list of strings, e.g. { \"python3\", \"-I\" }")) }
        var check: [String]?
        if table["check"] != .nil {
            guard let list = strings(table["check"]) else { return .failure(Message(text: "check must be a non-empty list of strings")) }
            check = list
        }
        guard let fileExtension = table["extension"].stringValue, fileExtension.hasPrefix("."), fileExtension.count > 1,
              !fileExtension.contains("/") else {
            return .failure(Message(text: "extension must be a string such as \".py\""))
        }
        var entryCall: String?
        if table["entry_call"] != .nil {
            guard let call = table["entry_call"].stringValue else { return .failure(Message(text: "entry_call must be a string such as \"check({entry_point})\"")) }
            entryCall = call
        }
        // Python's tests run under the proving harness unless the file says harness = "none".
        var harness: SandboxSettings.Harness? = name == "python" ? .python : nil
        if table["harness"] != .nil {
            let names = SandboxSettings.Harness.allCases.map(\.rawValue) + ["none"]
            guard let text = table["harness"].stringValue, names.contains(text) else {
                return .failure(Message(text: "harness must be one of \(names.map { "\"\($0)\"" }.joined(separator: ", "))"))
            }
            harness = SandboxSettings.Harness(rawValue: text)
        }
        return .success(SandboxSettings.Language(run: run, check: check, fileExtension: fileExtension, entryCall: entryCall, harness: harness))
    }

    /// A non-empty Lua list of non-empty strings.
    private static func strings(_ value: LuaValue) -> [String]? {
        guard case .table(let list) = value, list.fields.isEmpty, !list.array.isEmpty else { return nil }
        let names = list.array.compactMap(\.stringValue)
        return names.count == list.array.count && !names.contains(where: \.isEmpty) ? names : nil
    }
}
