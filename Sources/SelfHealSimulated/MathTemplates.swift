/// Number-theory requests: Fibonacci, factorial, primes, gcd, FizzBuzz.
enum MathTemplates {
    /// The guard every non-negative integer argument shares; `bool` is excluded because it is an int in Python.
    static func nonNegativeIntGuard(_ parameter: String) -> [String] {
        [
            "if not isinstance(\(parameter), int) or isinstance(\(parameter), bool):",
            "    raise TypeError(f\"\(parameter) must be an integer, got {type(\(parameter)).__name__}\")",
            "if \(parameter) < 0:",
            "    raise ValueError(f\"\(parameter) must be non-negative, got {\(parameter)}\")",
        ]
    }

    static func intGuard(_ parameter: String) -> [String] {
        [
            "if not isinstance(\(parameter), int) or isinstance(\(parameter), bool):",
            "    raise TypeError(f\"\(parameter) must be an integer, got {type(\(parameter)).__name__}\")",
        ]
    }

    static let nonNegativeRaises = ["TypeError: If n is not an integer.", "ValueError: If n is negative."]

    static func fibonacci(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("n", "int", "Position in the sequence, starting at 0.")],
            returnType: "int", summary: "Return the n-th Fibonacci number (fib(0) = 0, fib(1) = 1).",
            returnsDoc: "The n-th Fibonacci number.", raisesDoc: nonNegativeRaises,
            validation: nonNegativeIntGuard("n"),
            body: ["previous, current = 0, 1", "for _ in range(n):", "    previous, current = current, previous + current", "return previous"]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)(0)", "0"), .init("\(name)(1)", "1"), .init("\(name)(10)", "55")],
            invalidCalls: [.init("\(name)(-1)", raises: "ValueError"), .init("\(name)(\"5\")", raises: "TypeError")],
            summary: "Here is an iterative Fibonacci function that runs in linear time."
        )
    }

    static func factorial(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("n", "int", "The number whose factorial to compute.")],
            returnType: "int", summary: "Return n! = 1 * 2 * ... * n, with 0! = 1.",
            returnsDoc: "The factorial of n.", raisesDoc: nonNegativeRaises,
            validation: nonNegativeIntGuard("n"),
            body: ["result = 1", "for factor in range(2, n + 1):", "    result *= factor", "return result"]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)(0)", "1"), .init("\(name)(5)", "120")],
            invalidCalls: [.init("\(name)(-3)", raises: "ValueError"), .init("\(name)(2.5)", raises: "TypeError")],
            summary: "Here is an iterative factorial function."
        )
    }

    static func isPrime(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("n", "int", "The number to test.")],
            returnType: "bool", summary: "Return True if n is a prime number, otherwise False.",
            returnsDoc: "Whether n is prime. Numbers below 2 are not prime.",
            raisesDoc: ["TypeError: If n is not an integer."],
            validation: intGuard("n"),
            body: [
                "if n < 2:", "    return False", "if n % 2 == 0:", "    return n == 2",
                "divisor = 3", "while divisor * divisor <= n:", "    if n % divisor == 0:", "        return False",
                "    divisor += 2", "return True",
            ]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)(2)", "True"), .init("\(name)(15)", "False"), .init("\(name)(97)", "True")],
            invalidCalls: [.init("\(name)(\"7\")", raises: "TypeError")],
            summary: "Here is a trial-division primality test that only checks odd divisors up to the square root."
        )
    }

    static func primesUpTo(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("limit", "int", "The largest number to consider.")],
            returnType: "list[int]", summary: "Return all prime numbers up to and including limit (sieve of Eratosthenes).",
            returnsDoc: "The primes in increasing order.",
            raisesDoc: ["TypeError: If limit is not an integer.", "ValueError: If limit is negative."],
            validation: nonNegativeIntGuard("limit"),
            body: [
                "if limit < 2:", "    return []", "is_prime = [True] * (limit + 1)", "is_prime[0] = is_prime[1] = False",
                "for number in range(2, int(limit ** 0.5) + 1):", "    if is_prime[number]:",
                "        for multiple in range(number * number, limit + 1, number):", "            is_prime[multiple] = False",
                "return [number for number, prime in enumerate(is_prime) if prime]",
            ]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)(20)", "[2, 3, 5, 7, 11, 13, 17, 19]"), .init("\(name)(1)", "[]")],
            invalidCalls: [.init("\(name)(-5)", raises: "ValueError")],
            summary: "Here is a sieve of Eratosthenes that lists every prime up to a limit."
        )
    }

    static func gcd(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("a", "int", "First integer."), PythonParameter("b", "int", "Second integer.")],
            returnType: "int", summary: "Return the greatest common divisor of a and b (Euclid's algorithm).",
            returnsDoc: "The non-negative greatest common divisor; gcd(0, 0) is 0.",
            raisesDoc: ["TypeError: If a or b is not an integer."],
            validation: intGuard("a") + intGuard("b"),
            body: ["a, b = abs(a), abs(b)", "while b:", "    a, b = b, a % b", "return a"]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)(48, 18)", "6"), .init("\(name)(7, 0)", "7")],
            invalidCalls: [.init("\(name)(4.0, 2)", raises: "TypeError")],
            summary: "Here is Euclid's algorithm for the greatest common divisor."
        )
    }

    static func fizzBuzz(_ name: String) -> PythonModule {
        let function = PythonFunction(
            name: name, parameters: [PythonParameter("n", "int", "How many numbers to produce, starting at 1.")],
            returnType: "list[str]", summary: "Return the FizzBuzz sequence from 1 to n.",
            returnsDoc: "\"Fizz\" for multiples of 3, \"Buzz\" for multiples of 5, \"FizzBuzz\" for both, else the number.",
            raisesDoc: nonNegativeRaises,
            validation: nonNegativeIntGuard("n"),
            body: [
                "result⟪: list[str]⟫ = []", "for number in range(1, n + 1):", "    word = \"\"",
                "    if number % 3 == 0:", "        word += \"Fizz\"", "    if number % 5 == 0:", "        word += \"Buzz\"",
                "    result.append(word or str(number))", "return result",
            ]
        )
        return PythonModule(
            definitions: [.function(function)], primaryName: name,
            examples: [.init("\(name)(5)", "['1', '2', 'Fizz', '4', 'Buzz']"), .init("\(name)(15)[-1]", "'FizzBuzz'")],
            invalidCalls: [.init("\(name)(-1)", raises: "ValueError")],
            summary: "Here is FizzBuzz returning the sequence as a list of strings."
        )
    }
}
