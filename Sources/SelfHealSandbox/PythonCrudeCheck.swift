/// Python, run by the harness's smoke mode inside the sandbox before the answer is imported:
/// reads the answer's syntax tree, the one its code is compiled from (nothing of the answer
/// runs), and names a defect that makes it fail whatever it is called with, or returns None. Each check only flags what is certain:
/// - a function whose body is only a docstring, `pass`, `...` or `raise NotImplementedError`
///   (`@overload` and `@abstractmethod` are stubs by design and are left alone);
/// - a `while True:` loop whose body does nothing (`pass`, `...`, `continue`, a constant): it
///   can never end;
/// - a function annotated to return a value (not `None`, `Optional`, `NoReturn`, `Any`, …)
///   whose end can be reached without `return` or `raise`: it returns None there.
enum PythonCrudeCheck {
    static let source = """
        def _selfheal_crude(tree):
            import ast

            def docstring_dropped(body):
                first = body[0] if body else None
                if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                    return body[1:]
                return body

            def stub(body):
                body = docstring_dropped(body)
                if not body:
                    return "only a docstring"
                if len(body) != 1:
                    return None
                only = body[0]
                if isinstance(only, ast.Pass):
                    return "only `pass`"
                if isinstance(only, ast.Expr) and isinstance(only.value, ast.Constant) and only.value.value is Ellipsis:
                    return "only `...`"
                if isinstance(only, ast.Raise) and only.exc is not None:
                    raised = only.exc.func if isinstance(only.exc, ast.Call) else only.exc
                    if isinstance(raised, ast.Name) and raised.id == "NotImplementedError":
                        return "only `raise NotImplementedError`"
                return None

            def stub_by_design(function):
                for decorator in function.decorator_list:
                    name = getattr(decorator, "attr", None) or getattr(decorator, "id", "")
                    if name in ("overload", "abstractmethod", "abstractproperty"):
                        return True
                return False

            def does_nothing(statement):
                if isinstance(statement, (ast.Pass, ast.Continue)):
                    return True
                return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)

            def always_true(test):
                return isinstance(test, ast.Constant) and bool(test.value)

            def ends_program(statement):
                if isinstance(statement, ast.Assert):
                    return isinstance(statement.test, ast.Constant) and not statement.test.value
                if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
                    return False
                called = statement.value.func
                name = called.id if isinstance(called, ast.Name) else called.attr if isinstance(called, ast.Attribute) else ""
                return name in ("exit", "quit", "_exit", "abort")

            def breaks(loop):
                pending = list(loop.body)
                while pending:
                    node = pending.pop()
                    if isinstance(node, ast.Break):
                        return True
                    if not isinstance(node, (ast.For, ast.AsyncFor, ast.While, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                        pending.extend(ast.iter_child_nodes(node))
                return False

            def exits(body):
                for statement in body:
                    if isinstance(statement, (ast.Return, ast.Raise)) or ends_program(statement):
                        return True
                    if isinstance(statement, ast.If) and exits(statement.body) and exits(statement.orelse):
                        return True
                    if isinstance(statement, ast.While) and always_true(statement.test) and not breaks(statement):
                        return True
                    if isinstance(statement, (ast.With, ast.AsyncWith)) and exits(statement.body):
                        return True
                    if isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
                        if exits(statement.finalbody):
                            return True
                        if (exits(statement.body) or exits(statement.orelse)) and all(exits(h.body) for h in statement.handlers):
                            return True
                    if isinstance(statement, ast.Match) and statement.cases and all(exits(case.body) for case in statement.cases):
                        last = statement.cases[-1]
                        if isinstance(last.pattern, ast.MatchAs) and last.pattern.pattern is None and last.guard is None:
                            return True
                return False

            def returns_a_value(function):
                if function.returns is None:
                    return None
                annotation = ast.unparse(function.returns)
                if any(word in annotation for word in ("None", "Optional", "NoReturn", "Never", "Any", "object", "Iterator", "Generator", "Iterable")):
                    return None
                for node in ast.walk(function):
                    if isinstance(node, (ast.Yield, ast.YieldFrom)):
                        return None
                return annotation

            functions = []
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    functions.append((node.name, node))
                elif isinstance(node, ast.ClassDef):
                    functions += [(node.name + "." + f.name, f) for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
            for name, function in functions:
                if stub_by_design(function):
                    continue
                why = stub(function.body)
                if why is not None and "." not in name:
                    return "the function '%s' is a stub: its body is %s" % (name, why)
                annotation = returns_a_value(function)
                if why is None and annotation is not None and not exits(function.body):
                    return "the function '%s' is annotated to return %s but can reach its end without returning a value" % (name, annotation)
            for node in ast.walk(tree):
                if isinstance(node, ast.While) and always_true(node.test) and all(does_nothing(s) for s in node.body):
                    return "the loop at line %d can never end: `while %s:` with a body that does nothing" % (node.lineno, ast.unparse(node.test))
            return None

        """
}
