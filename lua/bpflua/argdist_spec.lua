-- bpflua.argdist_spec - the probe specifiers of scripts/argdist.lua (BCC's
-- argdist), parsed and turned into BPF C, apart from the tool so they can be
-- tested on their own:
--
--   {p,r,t,u}:{[library],category}:function(signature)[:type[,type...]:expr[,expr...][:filter]][#label]
--
--   local ps = spec.parser{pid =, tid =, string_size =, cumulative =}
--   local probe = ps:probe("freq" | "hist", text)   -- raises "error parsing probe ..."
--   ps:program(probes, includes, usdt_arg_ctype)    -- the whole BPF C text
--   probe:key_text(key)                             -- "x = 3, s = alpha"
--   probe:hist_label()                              -- a histogram's value label
--
-- Probe and map names, the generated C and the labels follow BCC's argdist,
-- so `-v` output and error messages read as BCC's users know them.
local M = {}

local Probe = {}
Probe.__index = Probe

-- BCC's aliases, substituted in expressions and filters (and back for display)
local ALIASES = {
  { "$PID", "(bpf_get_current_pid_tgid() >> 32)" },
  { "$COMM", "&val.name" },
}

local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end

-- Python's str.split(sep): every piece, empty ones included.
local function split(s, sep)
  local out, from = {}, 1
  while true do
    local i = s:find(sep, from, true)
    if not i then out[#out + 1] = s:sub(from); return out end
    out[#out + 1] = s:sub(from, i - 1)
    from = i + #sep
  end
end

-- Plain (not pattern) replacement of every occurrence.
local function replace(s, old, new)
  local out, from = {}, 1
  while true do
    local i, j = s:find(old, from, true)
    if not i then out[#out + 1] = s:sub(from); return table.concat(out) end
    out[#out + 1] = s:sub(from, i - 1) .. new
    from = j + 1
  end
end

local function contains(s, word) return s:find(word, 1, true) ~= nil end

local function identifier(s) return (s:gsub("[^%w_]", "_")) end

function Probe:bail(msg)
  error(string.format("error parsing probe '%s': %s", self.raw_spec, msg), 0)
end

function Probe:validate()
  local parts = split(trim(split(self.raw_spec, "#")[1]), ":")
  if #parts < 3 then
    self:bail("at least the probe type, library, and function signature must be specified")
  end
  if #parts > 6 then self:bail("extraneous ':'-separated parts detected") end
  if not ({ r = true, p = true, t = true, u = true })[parts[1]] then
    self:bail("probe type must be 'p', 'r', 't', or 'u' but got '" .. parts[1] .. "'")
  end
  if not parts[3]:match("^%S+%(.*%)") then
    self:bail("function signature '" .. parts[3] .. "' has an invalid format")
  end
end

-- "int fd, const char __user *buf" -> param_types {fd = "int", buf = ...};
-- a pointer's '*' may stand next to the name.
function Probe:parse_signature()
  self.param_types, self.user_params = {}, {}
  for _, param in ipairs(split(self.signature, ",")) do
    param = trim(param)
    local at = param:find("%*[^%*]*$") or param:find(" [^ ]*$") or 0
    local ptype, pname = trim(param:sub(1, at)), trim(param:sub(at + 1))
    self.param_types[pname] = ptype
    for word in ptype:gmatch("%S+") do
      if word == "__user" then self.user_params[pname] = true end
    end
  end
end

-- BCC's STRCMP("literal", expr): a generated streq_N() comparing the string
-- read from expr with the literal (without its terminating NUL).
function Probe:rewrite_strcmp(expr)
  return (expr:gsub('STRCMP%(("[^"]+"),([^%)]+)%)', function(literal, arg)
    local read = (self.is_user or self.user_params[trim(arg)]) and "bpf_probe_read_user"
      or "bpf_probe_read"
    local name = "streq_" .. self.parser.streq_index
    self.parser.streq_index = self.parser.streq_index + 1
    self.streq_functions = self.streq_functions .. string.format([[

static inline bool %s(char const *ignored, uintptr_t str) {
        char needle[] = %s;
        char haystack[sizeof(needle)];
        %s(&haystack, sizeof(haystack), (void *)str);
        for (int i = 0; i < sizeof(needle) - 1; ++i) {
                if (needle[i] != haystack[i]) {
                        return false;
                }
        }
        return true;
}
]], name, literal, read)
    return name .. "(" .. literal .. "," .. arg .. ")"
  end))
end

function Probe:substitute(expr)
  for _, a in ipairs(ALIASES) do expr = replace(expr, a[1], a[2]) end
  expr = self:rewrite_strcmp(expr)
  return replace(expr, "$retval", "PT_REGS_RC(ctx)")
end

function Probe:parse_exprs(parts)
  self.is_default_expr = #parts < 5
  if not self.is_default_expr then
    if parts[4] == "" then self:bail("no expr types specified") end
    if parts[5] == "" then self:bail("no exprs specified") end
    self.expr_types, self.exprs = split(parts[4], ","), split(parts[5], ",")
    if #self.exprs ~= #self.expr_types then self:bail("mismatched # of exprs and types") end
    if self.type == "hist" and #self.expr_types > 1 then
      self:bail("histograms can only have 1 expr")
    end
  else
    if self.probe_type ~= "r" and self.type == "hist" then self:bail("histograms must have expr") end
    local ret = self.probe_type == "r"
    self.expr_types, self.exprs = { ret and "int" or "u64" }, { ret and "$retval" or "1" }
  end
  self.filter = #parts == 6 and parts[6] or ""
  for i, e in ipairs(self.exprs) do self.exprs[i] = self:substitute(e) end
  self.filter = self:substitute(self.filter)
end

local function needs_entry(expr)
  return contains(expr, "$entry") or contains(expr, "$latency")
end

-- The parameters a return probe needs saved at entry: $entry(name)s and
-- "__latency" for $latency, in order of first use.
function Probe:entry_params()
  local list, seen = {}, {}
  local function add(name)
    if seen[name] then return end
    if not self.param_types[name] then error("$entry(" .. name .. "): no such param", 0) end
    seen[name] = true
    list[#list + 1] = name
  end
  local texts = { unpack(self.exprs) }
  texts[#texts + 1] = self.filter
  for _, t in ipairs(texts) do
    for name in t:gmatch("%$entry%((%w+)%)") do add(name) end
  end
  for _, t in ipairs(texts) do
    if contains(t, "$latency") then
      self.param_types.__latency = "u64" -- nanoseconds
      add("__latency")
    end
  end
  return list
end

function Probe:init(raw)
  self:validate()
  local halves = split(raw, "#")
  self.label = #halves == 2 and halves[2] or nil
  local parts = split(trim(halves[1]), ":")
  self.probe_type = parts[1]
  local fparts = split(parts[3], "(")
  self.function_name = trim(fparts[1])
  if self.probe_type == "t" then
    self.library, self.tp_category, self.tp_event = "", parts[2], self.function_name
  else
    self.library = parts[2]
  end
  self.is_user = self.library ~= ""
  self.signature = trim(fparts[2]):sub(1, -2)
  self:parse_signature()
  self:parse_exprs(parts)
  local entry = false
  for _, e in ipairs(self.exprs) do entry = entry or needs_entry(e) end
  self.entry_probe_required = self.probe_type == "r" and (entry or needs_entry(self.filter))
  if self.entry_probe_required then self.entry_param_list = self:entry_params() end
  local index = self.parser.next_index
  self.parser.next_index = index + 1
  self.probe_func_name = identifier(self.function_name .. "_probe" .. index)
  self.probe_hash_name = identifier(self.function_name .. "_hash" .. index)
end

function Probe:pid_filters()
  -- kernel probes filter in BPF; user probes are attached to the process
  if self.is_user then return "", "" end
  local p, t = self.parser.pid, self.parser.tid
  return p and string.format("if (__tgid != %d) { return 0; }", p) or "",
    t and string.format("if (__pid != %d) { return 0; }", t) or ""
end

local FUNCTION = [[
{
        u64 __pid_tgid = bpf_get_current_pid_tgid();
        u32 __pid      = __pid_tgid;        // lower 32 bits
        u32 __tgid     = __pid_tgid >> 32;  // upper 32 bits
        %s
        %s
        %s
        return 0;
}
]]

-- The entry probe of a return probe: each saved parameter (or the entry
-- time) goes to a hash keyed by thread id.
function Probe:entry_text()
  self.entry_probe_func = self.probe_func_name .. "_entry"
  self.hashname_prefix = self.probe_hash_name .. "_param_"
  local decls, collect = {}, {}
  for _, name in ipairs(self.entry_param_list) do
    local map = self.hashname_prefix .. name
    decls[#decls + 1] = string.format("BPF_HASH(%s, u32, %s);\n", map, self.param_types[name])
    if name == "__latency" then
      collect[#collect + 1] = string.format(
        "u64 __time = bpf_ktime_get_ns();\n%s.update(&__pid, &__time);", map)
    else
      collect[#collect + 1] = string.format("%s.update(&__pid, &%s);", map, name)
    end
  end
  local pidf, tidf = self:pid_filters()
  return table.concat(decls) .. string.format("\nint %s(struct pt_regs *ctx%s)\n",
    self.entry_probe_func, self.signature == "" and "" or ", " .. self.signature)
    .. string.format(FUNCTION, pidf, tidf, table.concat(collect, "\n"))
end

-- In the return probe: the saved values, and $entry(x)/$latency replaced
-- by them. A return without its entry (probe attached mid-call) is skipped.
function Probe:retprobe_prefix()
  local text = {}
  for _, name in ipairs(self.entry_param_list) do
    local val = "__" .. name .. "_val"
    text[#text + 1] = string.format("%s *%s = %s.lookup(&__pid);\nif (%s == 0) { return 0 ; }\n",
      self.param_types[name], val, self.hashname_prefix .. name, val)
    local from = name == "__latency" and "$latency" or "$entry(" .. name .. ")"
    local to = name == "__latency" and "(bpf_ktime_get_ns() - *" .. val .. ")" or "(*" .. val .. ")"
    for i, e in ipairs(self.exprs) do self.exprs[i] = replace(e, from, to) end
    self.filter = replace(self.filter, from, to)
  end
  return table.concat(text)
end

local COMM_PREFIX = [[
struct val_t {
        u32 pid;
        char name[sizeof(struct __string_t)];
};
struct val_t val = {.pid = (bpf_get_current_pid_tgid() >> 32) };
bpf_get_current_comm(&val.name, sizeof(val.name));
]]

local function is_string(t) return t == "char*" or t == "char *" end

-- A USDT probe's argN read into a local of the argument's type.
function Probe:usdt_arg(i, usdt_arg_ctype)
  local e = self.exprs[i]
  if self.probe_type ~= "u" or e:sub(1, 3) ~= "arg" then return "" end
  local n = tonumber(e:sub(4, 4))
  if not n then self:bail("bad USDT argument '" .. e .. "'") end
  return string.format("        %s %s = 0;\n        bpf_usdt_readarg(%d, ctx, &%s);\n",
    usdt_arg_ctype(self, n), e, n, e)
end

-- How a char* expression is read: user probes and __user parameters from
-- user memory; otherwise bpf_probe_read_str, which on x86 reads kernel or
-- user addresses (a syscall tracepoint's filename is a user pointer); $COMM
-- is on the BPF stack. The _str helpers stop at the NUL, so the zeroed rest
-- of the key stays zero and one string is one key (BCC copies the whole
-- buffer, and bytes past the NUL split one string into several keys).
function Probe:string_read(e)
  if e == "&val.name" then return "bpf_probe_read_kernel_str" end
  if self.is_user or self.user_params[e] then return "bpf_probe_read_user_str" end
  return "bpf_probe_read_str"
end

function Probe:key_text(usdt_arg_ctype)
  if self.type == "hist" then
    return self:usdt_arg(1, usdt_arg_ctype)
      .. string.format("%s __key = %s;\n", self.expr_types[1], self.exprs[1])
  end
  local text = { string.format("struct %s_key_t __key = {};\n", self.probe_hash_name) }
  for i, e in ipairs(self.exprs) do
    text[#text + 1] = self:usdt_arg(i, usdt_arg_ctype)
    if is_string(self.expr_types[i]) then
      text[#text + 1] = string.format("        %s(&__key.v%d.s, sizeof(__key.v%d.s), (void *)%s);\n",
        self:string_read(e), i - 1, i - 1, e)
    else
      text[#text + 1] = string.format("        __key.v%d = %s;\n", i - 1, e)
    end
  end
  return table.concat(text)
end

function Probe:map_decl()
  if self.type == "hist" then
    return string.format("BPF_HISTOGRAM(%s, %s);", self.probe_hash_name, self.expr_types[1])
  end
  local fields = {}
  for i, t in ipairs(self.expr_types) do
    fields[#fields + 1] = is_string(t) and string.format("struct __string_t v%d;\n", i - 1)
      or string.format("%s v%d;\n", t, i - 1)
  end
  return string.format("struct %s_key_t {\n%s};\nBPF_HASH(%s, struct %s_key_t, u64);",
    self.probe_hash_name, table.concat(fields), self.probe_hash_name, self.probe_hash_name)
end

-- The probe's C: saved-argument maps and entry probe if needed, its map,
-- its function (TRACEPOINT_PROBE for t:, else a pt_regs function).
function Probe:text(usdt_arg_ctype)
  local program, prefix = {}, {}
  if self.entry_probe_required then
    program[#program + 1] = self:entry_text()
    prefix[#prefix + 1] = self:retprobe_prefix()
  end
  for _, e in ipairs(self.exprs) do
    if e == "&val.name" then prefix[#prefix + 1] = COMM_PREFIX; break end
  end
  local head
  if self.probe_type == "t" then
    head = string.format("TRACEPOINT_PROBE(%s, %s)", self.tp_category, self.tp_event)
  else
    -- only entry probes take the parameters as the function's own
    local sig = (self.probe_type == "p" and self.signature ~= "") and ", " .. self.signature or ""
    head = string.format("int %s(struct pt_regs *ctx%s)", self.probe_func_name, sig)
  end
  local pidf, tidf = self:pid_filters()
  local key = self:key_text(usdt_arg_ctype)
  local collect = self.type == "hist"
    and string.format("%s.atomic_increment(bpf_log2l(__key));", self.probe_hash_name)
    or string.format("%s.atomic_increment(__key);", self.probe_hash_name)
  local body = table.concat(prefix) .. key .. string.format("        if (!(%s)) return 0;\n        %s",
    self.filter == "" and "1" or self.filter, collect)
  program[#program + 1] = "\n" .. self:map_decl() .. "\n" .. head .. "\n"
    .. string.format(FUNCTION, pidf, tidf, body)
  return self.streq_functions .. table.concat(program)
end

-- An expression as the user wrote it, for labels and EVENT columns.
function Probe:display_expr(i)
  local e = replace(self.exprs[i], "(bpf_ktime_get_ns() - *____latency_val)", "$latency")
  for _, a in ipairs(ALIASES) do e = replace(e, a[2], a[1]) end
  e = replace(e, "PT_REGS_RC(ctx)", "$retval")
  return (e:gsub("%(%*__([%w_]+)_val%)", "%1"))
end

function Probe:hist_label()
  return self.label or (self.is_default_expr and "retval" or self:display_expr(1))
end

-- A count key's EVENT text: "total calls", "retval = N" or "e1 = v1, ...";
-- v2s(field) turns a key field into text.
function Probe:event_text(key, v2s)
  if self.is_default_expr then
    return self.probe_type == "r" and "retval = " .. v2s(key.v0) or "total calls"
  end
  local out = {}
  for i = 1, #self.exprs do
    out[i] = self:display_expr(i) .. " = " .. v2s(key["v" .. (i - 1)])
  end
  return table.concat(out, ", ")
end

local Parser = {}
Parser.__index = Parser

-- opts: pid, tid (kernel probes filter on them), string_size (char* keys)
function M.parser(opts)
  return setmetatable({ pid = opts.pid, tid = opts.tid, string_size = opts.string_size or 80,
                        next_index = 0, streq_index = 0 }, Parser)
end

function Parser:probe(kind, raw)
  local p = setmetatable({ parser = self, type = kind, raw_spec = raw, streq_functions = "" }, Probe)
  p:init(raw)
  return p
end

-- BCC's generate_auto_includes: headers for words in the specifiers.
local AUTO_INCLUDES = {
  { "linux/time.h", { "time" } },
  { "linux/fs.h", { "fs", "file" } },
  { "linux/blkdev.h", { "bio", "request" } },
  { "linux/slab.h", { "alloc" } },
  { "linux/netdevice.h", { "sk_buff", "net_device" } },
}

local function auto_includes(probes)
  local out = {}
  for _, h in ipairs(AUTO_INCLUDES) do
    local hit = false
    for _, word in ipairs(h[2]) do
      for _, p in ipairs(probes) do hit = hit or contains(p.raw_spec, word) end
    end
    if hit then out[#out + 1] = "#include <" .. h[1] .. ">\n" end
  end
  return table.concat(out)
end

-- The whole program. includes: -I headers (a path starting with . or / is
-- included by its absolute path, others from the kernel's headers);
-- usdt_arg_ctype(probe, n): the C type of USDT argument n.
function Parser:program(probes, includes, usdt_arg_ctype, cwd)
  local text = { string.format("\nstruct __string_t { char s[%d]; };\n\n#include <uapi/linux/ptrace.h>\n",
    self.string_size) }
  for _, inc in ipairs(includes or {}) do
    if inc:match("^[./]") then
      if inc:sub(1, 1) ~= "/" then inc = (cwd or ".") .. "/" .. inc end
      text[#text + 1] = '#include "' .. inc .. '"\n'
    else
      text[#text + 1] = "#include <" .. inc .. ">\n"
    end
  end
  text[#text + 1] = auto_includes(probes)
  for _, p in ipairs(probes) do text[#text + 1] = p:text(usdt_arg_ctype) end
  return table.concat(text)
end

return M
