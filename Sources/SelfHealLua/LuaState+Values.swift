import CLua

extension LuaState {
    /// Copies the value at `index` into Swift. Tables are copied `depth` levels down with
    /// raw access (a script's metamethods never run here); deeper ones become `.other`.
    func value(at index: Int32, depth: Int) -> LuaValue {
        let index = lua_absindex(L, index)
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE:
            return .nil
        case LUA_TBOOLEAN:
            return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if shim_isinteger(L, index) != 0 { return .integer(Int(lua_tointegerx(L, index, nil))) }
            return .number(shim_tonumber(L, index))
        case LUA_TSTRING:
            var length = 0
            let chars = shim_tolstring(L, index, &length)
            return .string(String(decoding: UnsafeRawBufferPointer(start: chars, count: length), as: UTF8.self))
        case LUA_TFUNCTION:
            return .function(function(at: index))
        case LUA_TTABLE where depth > 0:
            return .table(table(at: index, depth: depth))
        case let type:
            return .other(typeName: String(cString: lua_typename(L, type)))
        }
    }

    private func function(at index: Int32) -> LuaFunction {
        var info = lua_Debug()
        lua_pushvalue(L, index)
        _ = lua_getinfo(L, ">S", &info) // pops the copy
        lua_pushvalue(L, index)
        let ref = LuaRef(id: shim_ref(L))
        return LuaFunction(ref: ref, line: info.linedefined > 0 ? Int(info.linedefined) : nil)
    }

    private func table(at index: Int32, depth: Int) -> LuaTable {
        var table = LuaTable()
        let length = lua_rawlen(L, index)
        _ = lua_checkstack(L, 4)
        if length > 0 {
            for i in 1...Int64(min(length, 10_000)) {
                _ = lua_rawgeti(L, index, i)
                table.array.append(value(at: -1, depth: depth - 1))
                shim_pop(L, 1)
            }
        }
        lua_pushnil(L)
        var count = 0
        while lua_next(L, index) != 0 {
            if count >= 10_000 { // a table this big is not configuration; stop copying
                shim_pop(L, 2)
                break
            }
            // Only string keys: lua_tolstring on a number key would convert it in place
            // and break the traversal.
            if lua_type(L, -2) == LUA_TSTRING {
                var length = 0
                let chars = shim_tolstring(L, -2, &length)
                let key = String(decoding: UnsafeRawBufferPointer(start: chars, count: length), as: UTF8.self)
                table.fields[key] = value(at: -1, depth: depth - 1)
                count += 1
            }
            shim_pop(L, 1)
        }
        return table
    }

    /// Pushes a Swift value. Functions cannot be made in Swift; they push as nil.
    func push(_ value: LuaValue, depth: Int) {
        _ = lua_checkstack(L, 4)
        switch value {
        case .nil, .function, .other:
            lua_pushnil(L)
        case .boolean(let b):
            lua_pushboolean(L, b ? 1 : 0)
        case .integer(let i):
            lua_pushinteger(L, lua_Integer(i))
        case .number(let d):
            lua_pushnumber(L, d)
        case .string(let s):
            var s = s
            s.withUTF8 { buffer in
                buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
            }
        case .table(let t):
            lua_createtable(L, Int32(clamping: t.array.count), Int32(clamping: t.fields.count))
            for (i, element) in t.array.enumerated() {
                push(element, depth: depth + 1)
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
            for (key, element) in t.fields {
                push(.string(key), depth: depth + 1)
                push(element, depth: depth + 1)
                lua_rawset(L, -3)
            }
        }
    }
}
