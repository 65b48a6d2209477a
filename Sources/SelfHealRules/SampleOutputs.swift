public import SelfHealCore

/// Built-in answers that `rules check` dry-runs every rule on and the benchmark scores:
/// for each shipped task type, one a careful reviewer would accept and one they would not.
public enum SampleOutputs {
    public struct Sample: Sendable {
        public var label: String
        public var context: RuleContext
    }

    public static let codeRequest =
        "Write a Python function called `is_prime` that checks whether a number is prime. "
        + "Include a docstring, type hints, input validation and usage examples."

    /// A typical thorough answer: about 60 lines with docstrings, hints, validation, examples.
    public static let goodCode = #"""
    import math
    from typing import Iterable, List


    def is_prime(n: int) -> bool:
        """Return True when n is a prime number.

        A prime is an integer greater than 1 whose only divisors are 1 and itself.

        >>> is_prime(2)
        True
        >>> is_prime(15)
        False
        >>> is_prime(97)
        True
        """
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"n must be an int, got {type(n).__name__}")
        if n < 2:
            return False
        if n in (2, 3):
            return True
        if n % 2 == 0 or n % 3 == 0:
            return False
        limit = math.isqrt(n)
        candidate = 5
        while candidate <= limit:
            if n % candidate == 0 or n % (candidate + 2) == 0:
                return False
            candidate += 6
        return True


    def primes_in(values: Iterable[int]) -> List[int]:
        """Return the primes among values, in their original order.

        >>> primes_in([1, 2, 3, 4, 5])
        [2, 3, 5]
        """
        result: List[int] = []
        for value in values:
            if not isinstance(value, int):
                raise ValueError(f"every value must be an int, got {value!r}")
            if is_prime(value):
                result.append(value)
        return result


    def _self_test() -> None:
        """Check a few known values; raises AssertionError on a mistake."""
        assert [n for n in range(20) if is_prime(n)] == [2, 3, 5, 7, 11, 13, 17, 19]
        assert not is_prime(1)
        assert is_prime(7919)


    if __name__ == "__main__":
        import doctest

        doctest.testmod()
        _self_test()
        print(primes_in(range(30)))
    """#

    public static let badCode = #"""
    def check(n):
        # TODO: handle negative numbers
        return eval("all(n % d for d in range(2, n))")
    """#

    public static let samples: [Sample] = [
        Sample(label: "code good", context: context(TaskTypes.codeGeneration, codeRequest, goodCode)),
        Sample(label: "code bad", context: context(TaskTypes.codeGeneration, codeRequest, badCode)),
        Sample(label: "tests good", context: context(
            TaskTypes.testGeneration, "Write pytest tests for is_prime(n).",
            "import pytest\nfrom primes import is_prime\n\ndef test_small_primes():\n    assert is_prime(2)\n    assert is_prime(3)\n\n"
                + "def test_edge_cases():\n    assert not is_prime(0)\n    assert not is_prime(1)\n    assert not is_prime(-7)\n\n"
                + "def test_rejects_non_int():\n    with pytest.raises(TypeError):\n        is_prime(\"7\")\n")),
        Sample(label: "tests bad", context: context(
            TaskTypes.testGeneration, "Write pytest tests for is_prime(n).", "print(is_prime(7))\n")),
        Sample(label: "review good", context: RuleContext(
            taskType: TaskTypes.codeReview, input: "Review this code:\ndef avg(xs):\n    return sum(xs) / len(xs)\n",
            output: "1. `avg` divides by zero on an empty list: check `if not xs` and raise ValueError instead.\n"
                + "2. Consider type hints: `def avg(xs: list[float]) -> float`.\n",
            code: "", language: "python")),
        Sample(label: "review bad", context: RuleContext(
            taskType: TaskTypes.codeReview, input: "Review this code:\ndef avg(xs):\n    return sum(xs) / len(xs)\n",
            output: "Looks fine to me.", code: "", language: "python")),
    ]

    static func context(_ taskType: String, _ input: String, _ code: String) -> RuleContext {
        RuleContext(
            taskType: taskType, input: input, output: "```python\n\(code)```\n", code: code, language: "python"
        )
    }
}
