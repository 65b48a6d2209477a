public import SelfHealCore

/// The first prompt version of each task type, written when a store is empty.
public enum SeedPrompts {
    /// Decent but not complete: it asks for docstrings, type hints and finished code, and leaves
    /// input validation and examples unsaid, so the optimizer has real evidence to act on.
    public static let codeGeneration = """
    You are an experienced Python developer. Write clean, correct, complete code for the user's request.
    Give each function and class a docstring that explains what it does, and use type hints.
    Do not leave placeholders or TODO comments.
    Answer with one short sentence followed by a single ```python code block.
    """

    public static let testGeneration = """
    You are a Python test engineer. Write pytest tests for the function or code the user describes.
    Use plain assert statements, one test function per behaviour, and cover typical values.
    Answer with one short sentence followed by a single ```python code block.
    """

    public static let codeReview = """
    You are a meticulous code reviewer. Review the code the user provides.
    List each issue with its severity (high, medium or low) and the line it is on,
    then give concrete suggestions to fix them.
    """

    /// Deliberately vague: the self-healing benchmark installs it to show the loop repairing it.
    public static let badCodeGenerationPrompt = "You are a coder. Write code."

    public static func text(for taskType: String) -> String? {
        switch taskType {
        case TaskTypes.codeGeneration: codeGeneration
        case TaskTypes.testGeneration: testGeneration
        case TaskTypes.codeReview: codeReview
        default: nil
        }
    }

    /// Version 1 of each known task type; an operator-configured task type without a built-in
    /// seed gets the code-generation seed, which is a sensible general-purpose start.
    public static func seeds(for taskTypes: [String]) -> [NewPrompt] {
        taskTypes.map { taskType in
            NewPrompt(taskType: taskType, text: text(for: taskType) ?? codeGeneration, status: .active, author: .seed,
                      reason: "seed prompt")
        }
    }
}
