/// The trusted Lua that builds the sandbox. It runs once per state, in the state's real
/// global table, which no script ever sees: every script gets a table of its own from
/// `make_env`, holding copies of the allowed functions and libraries, so one script that
/// redefines `string.find` or sets a global changes nothing for another.
///
/// Once a file has loaded, `freeze` makes its globals, its library copies and every table
/// its functions can reach read-only (raw access included), so a pooled state that served
/// one call is exactly the state that serves the next: no score can depend on which state,
/// or which earlier request, came before.
enum LuaSandbox {
    static let prelude = #"""
    local G = _G
    local rawload, rawsetmetatable, rawget, rawset, rawlen, next, pairs, ipairs, error, tostring, type, pcall, select =
        load, setmetatable, rawget, rawset, rawlen, next, pairs, ipairs, error, tostring, type, pcall, select
    local pack, unpack = table.pack, table.unpack
    local getupvalue, rawgetmetatable = debug.getupvalue, debug.getmetatable
    G.debug = nil

    -- Scripts must not reach the real string table through ("").__index, nor swap the
    -- metatable every string shares.
    getmetatable("").__metatable = false

    local base = {
        "assert", "error", "getmetatable", "ipairs", "pairs", "pcall", "rawequal",
        "select", "tonumber", "tostring", "type", "_VERSION",
    }
    local libraries = { "string", "table", "math", "utf8" }
    local clock, time = os.clock, os.time

    -- Frozen table -> the table that now holds its contents.
    local frozen = rawsetmetatable({}, { __mode = "k" })
    -- The sandbox's own functions and tables: never walked, never frozen.
    local trusted = rawsetmetatable({}, { __mode = "k" })
    trusted[frozen] = true
    trusted[trusted] = true
    trusted[G] = true

    local function copy(t)
        local c = {}
        for k, v in pairs(t) do c[k] = v end
        return c
    end

    -- A finalizer would run during garbage collection, outside any budget: refuse them.
    local function setmetatable(t, mt)
        if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
            error("__gc metamethods are not allowed in the sandbox", 2)
        end
        return rawsetmetatable(t, mt)
    end

    -- Lua runs xpcall's message handler with hooks off when the error came from the hook,
    -- so a looping handler would escape every bound. This one calls the handler after the
    -- protected call has unwound, where the bounds hold.
    local function xpcall(f, handler, ...)
        local results = pack(pcall(f, ...))
        if results[1] then return unpack(results, 1, results.n) end
        local _, handled = pcall(handler, results[2])
        return false, handled
    end

    -- Raw access sees through frozen tables and cannot write to them.
    local function sandbox_rawset(t, k, v)
        if frozen[t] then error("this table is read-only once its file has loaded (tried to set '" .. tostring(k) .. "')", 2) end
        return rawset(t, k, v)
    end
    local function sandbox_rawget(t, k)
        local values = frozen[t]
        if values then return rawget(values, k) end
        return rawget(t, k)
    end
    local function sandbox_rawlen(t)
        local values = frozen[t]
        if values then return rawlen(values) end
        return rawlen(t)
    end
    local function sandbox_next(t, k)
        local values = frozen[t]
        if values then return next(values, k) end
        return next(t, k)
    end
    for _, f in ipairs({ copy, setmetatable, xpcall, sandbox_rawset, sandbox_rawget, sandbox_rawlen, sandbox_next }) do
        trusted[f] = true
    end

    local function make_env()
        local env = {}
        for _, name in ipairs(base) do env[name] = G[name] end
        for _, name in ipairs(libraries) do env[name] = copy(G[name]) end
        env.string.dump = nil
        env.os = { clock = clock, time = time }
        env.setmetatable = setmetatable
        env.xpcall = xpcall
        env.rawset, env.rawget, env.rawlen, env.next = sandbox_rawset, sandbox_rawget, sandbox_rawlen, sandbox_next
        -- Text chunks only; by default they see the calling script's globals, never the real ones.
        local function sandbox_load(chunk, chunkname, mode, chunkenv)
            if chunkenv == nil then chunkenv = env end
            return rawload(chunk, chunkname, "t", chunkenv)
        end
        trusted[sandbox_load] = true
        env.load = sandbox_load
        env._G = env
        return env
    end

    local function freeze_table(t, what)
        local values = {}
        for k, v in next, t do values[k] = v end
        for k in next, values do rawset(t, k, nil) end
        frozen[t] = values
        rawsetmetatable(t, {
            __index = values,
            __newindex = function(_, k)
                error(what .. " (tried to set '" .. tostring(k) .. "'); use a local", 2)
            end,
            __len = function() return rawlen(values) end,
            __pairs = function() return next, values, nil end,
            __metatable = false,
        })
    end

    -- Every table reachable from `v`: through keys, values and the upvalues of functions.
    -- A table with a metatable of its own (an object the script made) keeps it and stays
    -- writable; what it holds is still walked.
    local function walk(v, seen)
        local kind = type(v)
        if kind ~= "table" and kind ~= "function" then return end
        if seen[v] or trusted[v] or frozen[v] then return end
        seen[v] = true
        if kind == "function" then
            local i = 1
            while true do
                local name, up = getupvalue(v, i)
                if name == nil then break end
                walk(up, seen)
                i = i + 1
            end
            return
        end
        for k, x in next, v do
            walk(k, seen)
            walk(x, seen)
        end
        if rawgetmetatable(v) == nil then
            freeze_table(v, "tables built when a file loads are read-only")
        end
    end

    -- After a file has run: its globals become read-only, and so does every table that its
    -- globals, its result and their functions can reach.
    local function freeze(env, result)
        local seen = {}
        seen[env] = true
        for k, x in next, env do
            walk(k, seen)
            walk(x, seen)
        end
        walk(result, seen)
        freeze_table(env, "globals are read-only once a file has loaded")
    end

    return make_env, freeze
    """#
}
