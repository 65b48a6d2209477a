/// Python, run by a warm host's checker (never by a job): whether importing an answer can only
/// bind names, so that a smoke run of it is known to pass without running it. A smoke run
/// imports the answer and passes when the import returns (and the entry point is callable);
/// for a module whose top level is only imports of modules the sandbox has already loaded,
/// plain `def`s and `class`es, constants and an `if __name__ == "__main__":` block (which an
/// import skips), nothing of the answer runs when it is imported, and nothing can fail.
///
/// Every check errs towards "not proven": a False sends the job down the forked path, which
/// gives the verdict. What is evaluated here is never the answer's code: annotations (which
/// `def` evaluates) are evaluated only when they are names, attributes, subscripts, `|` and
/// constants over modules the sandbox has loaded, builtins, and stand-ins for the answer's
/// own functions and classes (nothing of theirs is ever called: no subscript of them, no
/// attribute of them); defaults and constants go through `ast.literal_eval`.
enum PythonStaticSmoke {
    static let source = #"""
        def _selfheal_import_binds_only(tree, entry):
            import ast, builtins, sys, types
            future_annotations = False
            # What each module-level name is bound to by the time a statement runs: the very
            # object for imports and constants, a stand-in for the answer's defs and classes.
            scope = {}
            kinds = {}
            classes = set()
            bases_ok = (object, Exception, ValueError, TypeError, KeyError, IndexError, RuntimeError, LookupError,
                        ArithmeticError, NotImplementedError, AttributeError, dict, list, str, int, float, tuple, set, frozenset)
            # Decorators applied (to stand-ins) rather than refused: (object, may be called first).
            functools, dataclasses = sys.modules.get("functools"), sys.modules.get("dataclasses")
            functions_allowed = [(functools.cache, False), (functools.lru_cache, True)] if functools else []
            methods_allowed = functions_allowed + [(staticmethod, False), (classmethod, False), (property, False)]
            classes_allowed = [(dataclasses.dataclass, True)] if dataclasses else []
            lru_wrapper = type(functools.lru_cache(lambda: None)) if functools else type(None)
            # Stand-in classes whose body defines `__init__`: a dataclass over them may read its
            # signature, which the stand-in's is not.
            hand_init = set()

            def dunder(name):
                return name.startswith("__") and name.endswith("__")

            def resolve(name):
                if name in scope:
                    return True, scope[name]
                if name in builtins.__dict__:
                    return True, builtins.__dict__[name]
                return False, None

            def annotation_safe(node, answer_names, subscripted=False):
                # Only these shapes are evaluated; a name of the answer's own may only stand alone,
                # in a tuple or list, or beside `|` (whose type-level meaning cannot call it).
                if isinstance(node, ast.Constant):
                    if subscripted and isinstance(node.value, str):
                        # `typing` compiles it (a forward reference): only a short dotted name.
                        return len(node.value) <= 100 and all(part.isidentifier() for part in node.value.split("."))
                    return node.value is None or isinstance(node.value, str)
                if isinstance(node, ast.Name):
                    # `__x` in a class body is mangled to `_Class__x`: not followed.
                    return not node.id.startswith("__")
                if isinstance(node, ast.Attribute):
                    return (not node.attr.startswith("_") and isinstance(node.value, (ast.Name, ast.Attribute))
                            and annotation_safe(node.value, answer_names) and not uses_answer(node.value, answer_names))
                if isinstance(node, ast.Subscript):
                    return (isinstance(node.value, (ast.Name, ast.Attribute)) and annotation_safe(node.value, answer_names)
                            and not uses_answer(node.value, answer_names) and annotation_safe(node.slice, answer_names, True))
                if isinstance(node, (ast.Tuple, ast.List)):
                    return all(annotation_safe(element, answer_names, subscripted) for element in node.elts)
                if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
                    return all(not isinstance(side, ast.Constant) or side.value is None for side in (node.left, node.right)) \
                        and annotation_safe(node.left, answer_names, subscripted) and annotation_safe(node.right, answer_names, subscripted)
                return False

            def chain(node, environment):
                # A name, or a module's own attribute (from its dict: no module `__getattr__`,
                # no attribute of anything but a module is followed).
                if isinstance(node, ast.Name):
                    return environment[node.id]
                base = chain(node.value, environment)
                if not isinstance(base, types.ModuleType) or node.attr not in vars(base):
                    raise LookupError(node.attr)
                return vars(base)[node.attr]

            def uses_answer(node, answer_names):
                return any(isinstance(n, ast.Name) and n.id in answer_names for n in ast.walk(node))

            def annotation_ok(node, local_names=()):
                return annotation_value(node, local_names)[0]

            def annotation_value(node, local_names=()):
                # (whether it evaluates, its value) as `def` or a class body would evaluate it,
                # over stand-ins; a name the class body binds itself (which would shadow the
                # module's) is not followed. Postponed (`from __future__ import annotations`):
                # the text, unevaluated.
                if node is None:
                    return True, None
                if future_annotations:
                    return True, ast.unparse(node)
                names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                if names & set(local_names):
                    return False, None
                answer_names = {name for name in names if kinds.get(name) in ("def", "class")}
                if not annotation_safe(node, answer_names):
                    return False, None
                environment = {}
                for name in names:
                    found, value = resolve(name)
                    if not found:
                        return False, None
                    environment[name] = value
                def evaluate(part):
                    return eval(compile(ast.Expression(part), "<annotation>", "eval"), {"__builtins__": {}}, environment)
                # What a name or attribute stands for is a type, a typing object, None or one of
                # the answer's own functions and classes: the job keeps every annotation's value,
                # this check drops each, so nothing may be built from data (`X | X` copies a dict,
                # `collections.abc.Callable[X, int]` a list) whose size the source does not bound.
                parents = {child: parent for parent in ast.walk(node) for child in ast.iter_child_nodes(parent)}
                try:
                    for part in ast.walk(node):
                        # A whole attribute chain (`chain` checks each of its links).
                        if isinstance(part, (ast.Name, ast.Attribute)) and not isinstance(parents.get(part), ast.Attribute):
                            value = chain(part, environment)
                            if not (value is None or isinstance(value, (type, types.GenericAlias, types.UnionType))
                                    or type(value).__module__ == "typing"
                                    or (isinstance(part, ast.Name) and kinds.get(part.id) in ("def", "class"))):
                                return False, None
                        # Only a type's or `typing`'s subscript: their meaning is the same here and
                        # in the job (a dict's or `os.environ`'s contents need not be).
                        if isinstance(part, ast.Subscript):
                            value = chain(part.value, environment)
                            if not (isinstance(value, type) or type(value).__module__ == "typing"):
                                return False, None
                    return True, evaluate(node)
                except BaseException:
                    return False, None

            def literal(node):
                # The value of a constant expression, or raises. `literal_eval` reads `set()` as
                # an empty set, but the import would call whatever `set` is bound to.
                if any(isinstance(part, ast.Call) for part in ast.walk(node)):
                    raise ValueError("a call")
                return ast.literal_eval(node)

            def constant_assignment(statement):
                # (the names `a = b = constant` binds, the constant), or None.
                if not all(isinstance(t, ast.Name) for t in statement.targets):
                    return None
                try:
                    return [t.id for t in statement.targets], literal(statement.value)
                except BaseException:
                    return None

            def constant_ok(node):
                try:
                    literal(node)
                    return True
                except BaseException:
                    return False

            def arguments_ok(arguments, local_names=()):
                every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
                every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
                if not all(annotation_ok(a.annotation, local_names) for a in every):
                    return False
                return all(constant_ok(d) for d in arguments.defaults + [d for d in arguments.kw_defaults if d is not None])

            def decorator_value(node, allowed, local_names=()):
                # What a decorator expression evaluates to, when that is one of `allowed`: pairs
                # of (object, whether it may be called with constant arguments first); else None.
                call = node if isinstance(node, ast.Call) else None
                target = call.func if call is not None else node
                root = target
                while isinstance(root, ast.Attribute):
                    root = root.value
                if not isinstance(root, ast.Name) or root.id in local_names or root.id.startswith("__"):
                    return None
                found, base = resolve(root.id)
                if not found:
                    return None
                try:
                    value = chain(target, {root.id: base})
                    if not any(value is known and (call is None or callable_first) for known, callable_first in allowed):
                        return None
                    if call is None:
                        return value
                    if any(k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
                        return None
                    return value(*[literal(a) for a in call.args], **{k.arg: literal(k.value) for k in call.keywords})
                except BaseException:
                    return None

            def decorated(node, value, allowed, local_names=()):
                # `value` with the node's decorators applied as the import would (bottom-up), all
                # of them stdlib or builtins code on a stand-in; None when one is not allowed or
                # fails.
                for decorator in reversed(node.decorator_list):
                    apply = decorator_value(decorator, allowed, local_names)
                    if apply is None:
                        return None
                    if any(apply is wrapper for wrapper in (classmethod, staticmethod, property)) and \
                            not isinstance(value, (types.FunctionType, lru_wrapper)):
                        # `classmethod` passes `__get__` through: over a property, reading the
                        # attribute (as a dataclass does) would run the answer's getter.
                        return None
                    try:
                        value = apply(value)
                    except BaseException:
                        return None
                return value

            def function_stand_in(node, allowed, local_names=()):
                # A stand-in for the function (never called), decorated; None when the `def`
                # could fail or run anything of the answer's.
                if getattr(node, "type_params", None):
                    return None
                if not (arguments_ok(node.args, local_names) and annotation_ok(node.returns, local_names)):
                    return None
                if dunder(node.name) and node.decorator_list:
                    return None
                def stand_in(*args, **kwargs):
                    pass
                stand_in.__name__ = stand_in.__qualname__ = node.name
                stand_in.__module__ = "solution"
                return decorated(node, stand_in, allowed, local_names)

            def class_stand_in(node):
                # A class made as the class statement would make it, from stand-ins for its
                # methods and the very constants and annotations of its body, decorated; None
                # when the statement could fail or run anything of the answer's.
                if node.keywords or len(node.bases) > 1 or getattr(node, "type_params", None):
                    return None
                bases = []
                for base in node.bases:
                    if not isinstance(base, ast.Name):
                        return None
                    found, value = resolve(base.id)
                    if not found or not (base.id in classes or (base.id not in scope and any(value is b for b in bases_ok))):
                        return None
                    bases.append(value)
                local_names = set()
                for statement in node.body:
                    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        local_names.add(statement.name)
                    elif isinstance(statement, ast.Assign):
                        local_names.update(t.id for t in statement.targets if isinstance(t, ast.Name))
                    elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                        local_names.add(statement.target.id)
                # `__x` in a class body is mangled to `_Class__x` (targets, names, annotation keys):
                # not followed.
                if any(name.startswith("__") and not dunder(name) for name in local_names):
                    return None
                if any(dunder(name) for name in local_names - {"__init__", "__repr__", "__str__", "__eq__", "__lt__",
                                                               "__le__", "__gt__", "__ge__", "__hash__", "__len__",
                                                               "__iter__", "__next__", "__contains__", "__getitem__",
                                                               "__setitem__", "__call__", "__bool__", "__add__"}):
                    return None
                if node.decorator_list and "__init__" in local_names:
                    # A decorator (a dataclass) reads `__init__`'s signature: the stand-in's is not it.
                    return None
                namespace = {"__module__": "solution", "__qualname__": node.name}
                annotations = {}
                for statement in node.body:
                    if isinstance(statement, ast.Pass):
                        continue
                    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                        if statement is node.body[0] and isinstance(statement.value.value, str):
                            namespace["__doc__"] = statement.value.value
                        continue
                    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        method = function_stand_in(statement, methods_allowed, local_names)
                        if method is None:
                            return None
                        namespace[statement.name] = method
                    elif isinstance(statement, ast.Assign):
                        assigned = constant_assignment(statement)
                        if assigned is None:
                            return None
                        for name in assigned[0]:
                            namespace[name] = assigned[1]
                    elif isinstance(statement, ast.AnnAssign):
                        if not (isinstance(statement.target, ast.Name) and statement.simple):
                            return None
                        ok, annotation = annotation_value(statement.annotation, local_names)
                        if not ok:
                            return None
                        annotations[statement.target.id] = annotation
                        if statement.value is not None:
                            try:
                                namespace[statement.target.id] = literal(statement.value)
                            except BaseException:
                                return None
                    else:
                        return None
                if annotations:
                    namespace["__annotations__"] = annotations
                try:
                    made = type(node.name, tuple(bases), namespace)
                except BaseException:
                    return None
                if "__init__" in local_names:
                    hand_init.add(made)
                if node.decorator_list:
                    # A dataclass reads string annotations through `sys.modules["solution"]`, which
                    # the checker lacks, and a hand-written `__init__`'s signature.
                    if any(isinstance(a, str) for a in annotations.values()) or any(c in hand_init for c in made.__mro__):
                        return None
                return decorated(node, made, classes_allowed)

            def main_guard(node):
                test = node.test
                if node.orelse or not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
                    return False
                sides = (test.left, test.comparators[0])
                names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
                texts = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
                return len(names) == 1 and len(texts) == 1 and "__name__" not in scope

            def loaded(name):
                # Standard modules the sandbox has loaded (not `__main__`, which is another module
                # in a job).
                return name.split(".")[0] in sys.stdlib_module_names and sys.modules.get(name) is not None

            for statement in tree.body:
                if isinstance(statement, ast.Pass) or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)):
                    continue
                if isinstance(statement, ast.Import):
                    for alias in statement.names:
                        if not loaded(alias.name):
                            return False
                        if alias.asname is not None:
                            if dunder(alias.asname):
                                return False
                            # `import a.b as c` binds `a`'s attribute `b`.
                            parent, _, last = alias.name.rpartition(".")
                            bound, value = alias.asname, sys.modules[alias.name]
                            if parent and vars(sys.modules[parent]).get(last) is not value:
                                return False
                        else:
                            bound = alias.name.split(".")[0]
                            value = sys.modules.get(bound)
                            if value is None or dunder(bound):
                                return False
                        scope[bound], kinds[bound] = value, "import"
                        classes.discard(bound)
                elif isinstance(statement, ast.ImportFrom):
                    if statement.level != 0 or statement.module is None:
                        return False
                    if statement.module == "__future__":
                        # Compile-time features, which the compile above has checked; `as` would
                        # bind a feature object.
                        if any(a.asname is not None for a in statement.names):
                            return False
                        future_annotations = future_annotations or any(a.name == "annotations" for a in statement.names)
                        continue
                    if not loaded(statement.module):
                        return False
                    module = sys.modules[statement.module]
                    for alias in statement.names:
                        if alias.name == "*":
                            return False
                        if alias.name in vars(module):
                            value = vars(module)[alias.name]
                        elif loaded(statement.module + "." + alias.name):
                            value = sys.modules[statement.module + "." + alias.name]
                        else:
                            return False
                        bound = alias.asname or alias.name
                        if dunder(bound):
                            return False
                        scope[bound], kinds[bound] = value, "import"
                        classes.discard(bound)
                elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    value = None if dunder(statement.name) else function_stand_in(statement, functions_allowed)
                    if value is None:
                        return False
                    scope[statement.name], kinds[statement.name] = value, "def"
                    classes.discard(statement.name)
                elif isinstance(statement, ast.ClassDef):
                    value = None if dunder(statement.name) else class_stand_in(statement)
                    if value is None:
                        return False
                    scope[statement.name], kinds[statement.name] = value, "class"
                    classes.add(statement.name)
                elif isinstance(statement, ast.Assign):
                    assigned = constant_assignment(statement)
                    if assigned is None or any(dunder(name) for name in assigned[0]):
                        return False
                    for name in assigned[0]:
                        scope[name], kinds[name] = assigned[1], "constant"
                        classes.discard(name)
                elif isinstance(statement, ast.AnnAssign):
                    if not (isinstance(statement.target, ast.Name) and not dunder(statement.target.id) and statement.simple):
                        return False
                    if not annotation_ok(statement.annotation):
                        return False
                    if statement.value is not None:
                        try:
                            value = literal(statement.value)
                        except BaseException:
                            return False
                        scope[statement.target.id], kinds[statement.target.id] = value, "constant"
                        classes.discard(statement.target.id)
                elif isinstance(statement, ast.If):
                    if not main_guard(statement):
                        return False
                else:
                    return False
            if entry is not None:
                return entry in scope and callable(scope[entry])
            return True

        """#
}
