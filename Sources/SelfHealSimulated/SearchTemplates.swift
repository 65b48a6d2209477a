/// Searching requests: binary search over a sorted list, linear search over any list.
enum SearchTemplates {
    static let listGuard = [
        "if not isinstance(items, list):",
        "    raise TypeError(f\"items must be a list, got {type(items).__name__}\")",
    ]

    static func binarySearch(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name,
            parameters: [PythonParameter("items", "list[int]", "A list sorted in ascending order."), PythonParameter("target", "int", "The value to find.")],
            returnType: "int", summary: "Return the index of target in the sorted list items, or -1 if it is absent.",
            returnsDoc: "The index of target, or -1.",
            raisesDoc: ["TypeError: If items is not a list.", "ValueError: If items is not sorted."],
            validation: listGuard + [
                "if any(items[index] > items[index + 1] for index in range(len(items) - 1)):",
                "    raise ValueError(\"items must be sorted in ascending order\")",
            ],
            body: [
                "low, high = 0, len(items) - 1", "while low <= high:", "    middle = (low + high) // 2",
                "    if items[middle] == target:", "        return middle", "    if items[middle] < target:",
                "        low = middle + 1", "    else:", "        high = middle - 1", "return -1",
            ]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)([1, 3, 5, 7, 9], 7)", "3"), .init("\(name)([1, 3, 5], 4)", "-1")],
            invalidCalls: [.init("\(name)([3, 1, 2], 1)", raises: "ValueError")],
            summary: "Here is an iterative binary search."
        )
    }

    static func linearSearch(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name,
            parameters: [PythonParameter("items", "list[Any]", "The values to search."), PythonParameter("target", "Any", "The value to find.")],
            returnType: "int", summary: "Return the index of the first element equal to target, or -1 if there is none.",
            returnsDoc: "The index of target, or -1.", raisesDoc: ["TypeError: If items is not a list."],
            validation: listGuard,
            body: ["for index, item in enumerate(items):", "    if item == target:", "        return index", "return -1"]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)([4, 2, 7], 7)", "2"), .init("\(name)([], 1)", "-1")],
            invalidCalls: [.init("\(name)(\"abc\", \"a\")", raises: "TypeError")],
            summary: "Here is a linear search that returns the first matching index."
        )
    }
}
