-- bpflua.probespec - the probe specifiers of BCC's trace tool, parsed
-- (scripts/trace.lua turns them into BPF C):
--
--   [{p,r}]:[library]:function[+offset][(signature)] [(predicate)] ["format"[, arguments]]
--   t:category:event [(predicate)] ["format"[, arguments]]
--   u:library:[provider:]probe [(predicate)] ["format"[, arguments]]
--
-- parse(text) returns a table (kind, library, func, offset, category, event,
-- usdt, signature, filter, format, types, values, name) or nil and BCC's
-- message. rewrite(expr, ctx) turns one C expression of the spec into the
-- program's: arg1..arg6, retval, $uid, $gid, $pid, $tgid, $cpu, $task and
-- STRCMP("literal", expr). Pure text work, no kernel: the parse is tested by
-- tests/runtime/tracetool.test.
local M = {}

local function bail(raw, msg)
  return nil, string.format("error in probe '%s': %s", raw, msg)
end

-- ":"-separated parts, empty ones kept ("r::f" -> {"r", "", "f"})
local function split(s, sep)
  local out = {}
  for part in (s .. sep):gmatch("(.-)" .. sep) do out[#out + 1] = part end
  return out
end

-- The end of the parenthesis opened at text[i] ("(" there), or nil.
local function closing(text, i)
  local depth = 0
  for j = i, #text do
    local c = text:sub(j, j)
    if c == "(" then depth = depth + 1 elseif c == ")" then depth = depth - 1 end
    if depth == 0 then return j end
  end
end

-- "func+0x12" -> "func", 18 (decimal or hexadecimal, as BCC's)
local function offset_of(raw, last)
  local func, off = last:match("^(.-)%+(.*)$")
  if not func then return last, 0 end
  local n = off:find("[xX]") and tonumber(off) or tonumber(off, 10)
  if not n then
    return nil, select(2, bail(raw, "invalid offset format  '" .. off
      .. "', must be decimal or hexadecimal"))
  end
  return func, n
end

local function parse_kind(p, spec)
  local parts = split(spec, ":")
  if #parts == 1 then parts = { "p", "", parts[1] }
  elseif #parts == 2 then parts = { "p", parts[1], parts[2] } end
  local kind = parts[1] == "" and "p" or parts[1]
  if not (kind == "p" or kind == "r" or kind == "t" or kind == "u") then
    return bail(p.raw, "probe type must be '', 'p', 't', 'r', or 'u', but got '" .. parts[1] .. "'")
  end
  p.kind, p.offset = kind, 0
  if kind == "t" then
    if #parts ~= 3 then return bail(p.raw, "a tracepoint is t:category:event") end
    p.library, p.func, p.category, p.event = "", "", parts[2], parts[3]
    p.name = p.event
  elseif kind == "u" then
    p.library, p.func = parts[2], ""
    p.usdt = table.concat(parts, ":", 3)
    p.name = p.usdt
  else
    local func, off = offset_of(p.raw, parts[#parts])
    if not func then return nil, off end
    p.library = table.concat(parts, ":", 2, #parts - 1)
    p.func, p.offset, p.name = func, off, func
  end
  return p
end

-- The conversions BCC's trace accepts, longest first.
local SPECS = { "llu", "lld", "llx", "lu", "ld", "lx", "hu", "hd", "s", "u", "d", "x", "c", "K", "U" }

-- The format's conversions in order ("%llx" -> "llx"); "%%" is a percent.
local function format_types(fmt)
  local types, i = {}, 1
  while true do
    i = fmt:find("%", i, true)
    if not i then return types end
    if fmt:sub(i + 1, i + 1) == "%" then
      i = i + 2
    else
      for _, s in ipairs(SPECS) do
        if fmt:sub(i + 1, i + #s) == s then types[#types + 1] = s; break end
      end
      i = i + 1
    end
  end
end

-- Splits the arguments at commas outside parentheses and string literals.
local function split_args(s)
  local out, depth, cur, quoted = {}, 0, {}, false
  for c in s:gmatch(".") do
    if c == '"' then quoted = not quoted end
    if not quoted and (c == "(" or c == "[") then depth = depth + 1 end
    if not quoted and (c == ")" or c == "]") then depth = depth - 1 end
    if c == "," and depth == 0 and not quoted then
      out[#out + 1] = table.concat(cur); cur = {}
    else
      cur[#cur + 1] = c
    end
  end
  out[#out + 1] = table.concat(cur)
  local values = {}
  for _, v in ipairs(out) do
    v = v:match("^%s*(.-)%s*$")
    if v ~= "" then values[#values + 1] = v end
  end
  return values
end

local function parse_action(p, action)
  p.types, p.values = {}, {}
  if action == "" then return p end
  local fmt, rest = action:match('^(".-")%s*(.*)$')
  if not fmt then return bail(p.raw, 'expected format string in "s') end
  p.format = fmt:sub(2, -2)
  p.types = format_types(p.format)
  if rest ~= "" then
    if rest:sub(1, 1) ~= "," then return bail(p.raw, "expected ',' after the format string") end
    p.values = split_args(rest:sub(2))
  end
  if #p.values ~= #p.types then
    return bail(p.raw, string.format("the format has %d conversions but %d arguments follow",
      #p.types, #p.values))
  end
  return p
end

function M.parse(raw)
  local p = { raw = raw }
  local spec, rest = raw:match("^([^ \t(]+)(.*)$")
  if not spec then return bail(raw, "no probe specifier") end
  local ok, err = parse_kind(p, spec)
  if not ok then return nil, err end
  local sig = rest:match("^(%b())")
  if sig and not sig:sub(2, -2):find("(", 1, true) then
    p.signature = sig:sub(2, -2)
    rest = rest:sub(#sig + 1)
    if p.kind == "u" or p.kind == "t" then
      return bail(raw, "USDT and tracepoint probes can't have a function signature; "
        .. "use arg1, arg2, ... instead")
    end
  end
  rest = rest:match("^%s*(.-)%s*$")
  p.filter = "1"
  if rest:sub(1, 1) == "(" then
    local j = closing(rest, 1)
    if not j then return bail(raw, "unmatched end of predicate") end
    p.filter = rest:sub(1, j)
    rest = rest:sub(j + 1):match("^%s*(.-)$")
  end
  return parse_action(p, rest)
end

-- Replaces every whole-word `name` in expr (plain text, `$` allowed).
local function replace_word(expr, name, by)
  local out, i = {}, 1
  while true do
    local s, e = expr:find(name, i, true)
    if not s then break end
    local before, after = expr:sub(s - 1, s - 1), expr:sub(e + 1, e + 1)
    local word = (s == 1 or not before:find("[%w_$]")) and not after:find("^[%w_]")
    out[#out + 1] = expr:sub(i, s - 1) .. (word and by or name)
    i = e + 1
  end
  out[#out + 1] = expr:sub(i)
  return table.concat(out)
end

M.COMMON = {
  { "retval", "PT_REGS_RC(ctx)" },
  { "$uid", "(unsigned)(bpf_get_current_uid_gid() & 0xffffffff)" },
  { "$gid", "(unsigned)(bpf_get_current_uid_gid() >> 32)" },
  { "$pid", "(unsigned)(bpf_get_current_pid_tgid() & 0xffffffff)" },
  { "$tgid", "(unsigned)(bpf_get_current_pid_tgid() >> 32)" },
  { "$cpu", "bpf_get_smp_processor_id()" },
  { "$task", "((struct task_struct *)bpf_get_current_task())" },
}

-- The C text of argument n: a register of the probed function, or for a
-- syscall wrapper (__x64_sys_X, whose one argument is the pt_regs of the
-- syscall) the syscall's own argument, read by bpflua's regs.h whichever
-- way the probe got attached.
function M.arg_text(n, syscall)
  if syscall then return string.format("__bl_syscall_arg%d(ctx)", n) end
  return string.format("PT_REGS_PARM%d(ctx)", n)
end

-- STRCMP("literal", expr) -> streq_N("literal", expr) and the function
-- streq_N comparing the literal with the memory expr points to: user
-- memory first for a uprobe or an argN@user, else kernel memory first, the
-- other where that read fails (a syscall's or tracepoint's user pointer).
local function rewrite_strcmp(expr, ctx)
  return (expr:gsub('STRCMP%(%s*"([^"]+)"%s*,(.-)%)', function(lit, arg)
    ctx.streqs.n = ctx.streqs.n + 1
    local name = "streq_" .. ctx.streqs.n
    local user = ctx.library ~= "" or ctx.user_args[arg:match("^%s*(.-)%s*$")]
    local needle = ctx.bin_cmp and lit or ('"' .. lit .. '"')
    ctx.functions = (ctx.functions or "") .. string.format([[
static inline bool %s(char const *ignored, unsigned long str) {
        char needle[] = %s;
        char haystack[sizeof(needle)];
        if (bpf_probe_read_%s(&haystack, sizeof(haystack), (void *)str) < 0)
                bpf_probe_read_%s(&haystack, sizeof(haystack), (void *)str);
        for (int i = 0; i < sizeof(needle) - 1; ++i) {
                if (needle[i] != haystack[i]) {
                        return false;
                }
        }
        return true;
}
]], name, needle, user and "user" or "kernel", user and "kernel" or "user")
    return name .. '("' .. lit:gsub('"', '\\"') .. '",' .. arg .. ")"
  end))
end

-- One expression of the spec as C. ctx: { library=, syscall=, usdt=,
-- bin_cmp=, streqs = {n = 0} } (shared by one probe's expressions:
-- argN@user marks are remembered in ctx.user_args, STRCMP functions
-- collected in ctx.functions; streqs numbers them, shared by all probes
-- of one program).
function M.rewrite(expr, ctx)
  ctx.user_args = ctx.user_args or {}
  ctx.streqs = ctx.streqs or { n = 0 }
  expr = expr:gsub("(arg[1-6])@user", function(a) ctx.user_args[a] = true; return a end)
  expr = rewrite_strcmp(expr, ctx)
  if not ctx.usdt then
    for n = 1, 6 do expr = replace_word(expr, "arg" .. n, M.arg_text(n, ctx.syscall)) end
  end
  for _, a in ipairs(M.COMMON) do expr = replace_word(expr, a[1], a[2]) end
  return expr
end

return M
