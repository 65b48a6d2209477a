/// The trusted Lua that builds the sandbox. It runs once per state, in the state's real
/// global table, which no script ever sees: every script gets a table of its own from
/// `make_env`, holding copies of the allowed functions and libraries, so one script that
/// redefines `string.find` or sets a global changes nothing for another.
enum LuaSandbox {
    static let prelude = #"""
    local G = _G
    local rawload, rawsetmetatable, rawget, pairs, ipairs, error, tostring, type =
        load, setmetatable, rawget, pairs, ipairs, error, tostring, type

    -- Scripts must not reach the real string table through ("").__index, nor swap the
    -- metatable every string shares.
    getmetatable("").__metatable = false

    local base = {
        "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal",
        "rawget", "rawlen", "rawset", "select", "tonumber", "tostring", "type", "xpcall", "_VERSION",
    }
    local libraries = { "string", "table", "math", "utf8" }
    local clock, time = os.clock, os.time

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

    local function make_env()
        local env = {}
        for _, name in ipairs(base) do env[name] = G[name] end
        for _, name in ipairs(libraries) do env[name] = copy(G[name]) end
        env.string.dump = nil
        env.os = { clock = clock, time = time }
        env.setmetatable = setmetatable
        -- Text chunks only; by default they see the calling script's globals, never the real ones.
        env.load = function(chunk, chunkname, mode, chunkenv)
            if chunkenv == nil then chunkenv = env end
            return rawload(chunk, chunkname, "t", chunkenv)
        end
        env._G = env
        return env
    end

    -- After a file has run, its globals become read-only: a pooled state is reused across
    -- evaluations, and a global written while scoring would make scores depend on which
    -- state served the call.
    local function freeze(env)
        local values = {}
        for k, v in pairs(env) do values[k] = v end
        for k in pairs(values) do env[k] = nil end
        rawsetmetatable(env, {
            __index = values,
            __newindex = function(_, k)
                error("globals are read-only once a file has loaded (tried to set '"
                    .. tostring(k) .. "'); use a local", 2)
            end,
            __metatable = false,
        })
    end

    return make_env, freeze
    """#
}
