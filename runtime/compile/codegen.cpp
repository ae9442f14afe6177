// codegen.cpp - see codegen.h
// The module's C headers (err.h among them) have no C++ guards.
extern "C" {
#include "codegen.h"
}

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Basic/Version.h>
#include <clang/CodeGen/CodeGenAction.h>
#include <clang/Driver/Driver.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/FrontendActions.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <clang/Frontend/Utils.h>
#include <clang/Lex/PreprocessorOptions.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/Analysis/TargetLibraryInfo.h>
#include <llvm/Analysis/TargetTransformInfo.h>
#include <llvm/CodeGen/MachineModuleInfo.h>
#include <llvm/IR/DiagnosticInfo.h>
#include <llvm/IR/DiagnosticPrinter.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/Support/Allocator.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/CrashRecoveryContext.h>
#include <llvm/Support/ErrorHandling.h>
#include <llvm/Support/Process.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/VirtualFileSystem.h>
#include <llvm/Support/raw_ostream.h>

extern "C" {
void LLVMInitializeBPFTargetInfo(void);
void LLVMInitializeBPFTarget(void);
void LLVMInitializeBPFTargetMC(void);
void LLVMInitializeBPFAsmPrinter(void);
}

namespace {

// Flags only code generation needs: the parse and this stage agree on
// everything else (env.c), and none of these matters to a PCH. DWARF 4:
// version 5 has clang hash (MD5) every file a type comes from, vmlinux.h's
// 3 MB included, in every compile; BTF is made the same from either.
const char *const codegen_flags[] = {
	"-D__BL_CODEGEN", "-g", "-gdwarf-4", "-w",
	"-fno-color-diagnostics", "-fno-caret-diagnostics",
};

// Flags for building the precompiled prelude (env.c's args, minus the
// prelude's own -include and the user's flags).
const char *const pch_flags[] = {
	"-w", "-fno-color-diagnostics", "-fno-caret-diagnostics",
	"-x", "c-header", BL_CC_PRELUDE,
};

// Whether this process must not compile again (bl_codegen_reusable): LLVM
// holds a CO-RE program's relocations (note_core_relocations), or recovered
// from a crash or fatal error, leaking what the compile held.
bool spent;

// The reason of an LLVM fatal error in the compile running on this thread.
thread_local std::string *fatal_reason;

// LLVM calls this instead of exiting (a BPF backend failure such as "Cannot
// select: ..." is a fatal error). Exit() does not exit under a
// CrashRecoveryContext: it jumps back to RunSafely(), which then fails, and
// the compile becomes an error. Outside one, the process ends as LLVM would.
void on_fatal_error(void *, const char *reason, bool)
{
	if (fatal_reason) {
		*fatal_reason = reason;
	} else {
		fprintf(stderr, "LLVM ERROR: %s\n", reason);
		fflush(stderr);
	}
	llvm::sys::Process::Exit(1);
}

// Once per process. Crash recovery (signal handlers that jump back to
// RunSafely()) is what libclang's clang_createIndex() already turns on
// unless LIBCLANG_DISABLE_CRASH_RECOVERY is set; code generation needs it.
void init_llvm()
{
	static std::once_flag once;

	std::call_once(once, [] {
		LLVMInitializeBPFTargetInfo();
		LLVMInitializeBPFTarget();
		LLVMInitializeBPFTargetMC();
		LLVMInitializeBPFAsmPrinter();
		llvm::CrashRecoveryContext::Enable();
		// No DWARF, only BTF: see KeepBtf.
		static const char *const argv[] = { "bpflua", "-disable-debug-info-print" };
		llvm::cl::ParseCommandLineOptions(2, argv);
	});
}

// libclang installs its own handler (which aborts) at its first
// clang_createIndex(), which may come after ours: ours is put back before
// each run, and stays (libclang's parses run under their own recovery
// context, so ours serves them too).
void claim_fatal_errors()
{
	llvm::remove_fatal_error_handler();
	llvm::install_fatal_error_handler(on_fatal_error, nullptr);
}

// clang names the user's file by its virtual path; say the user's name.
std::string rename_main(std::string log, const char *name)
{
	const std::string from = BL_CC_MAIN;
	size_t pos = 0;

	while ((pos = log.find(from, pos)) != std::string::npos) {
		log.replace(pos, from.size(), name);
		pos += strlen(name);
	}
	return log;
}

// "Cannot select: 0x55..: i32,ch = AtomicLoadAdd<...> ..., <main>:3:5\n..."
// -> "prog.c:3:5: error: BPF backend: Cannot select: ...AtomicLoadAdd<...>",
// the whole reason going to the log.
int fatal_error(struct bl_err *e, const std::string &reason, const char *name)
{
	std::string first = reason.substr(0, reason.find('\n'));
	std::string where;
	size_t at = first.find(BL_CC_MAIN ":");

	if (at != std::string::npos) {
		where = name + first.substr(at + strlen(BL_CC_MAIN)) + ": ";
		first.erase(at);
		while (!first.empty() && (first.back() == ' ' || first.back() == ','))
			first.pop_back();
	}
	if (first.size() > 300)
		first = first.substr(0, 300) + "...";
	bl_errf(e, EINVAL, "compile failed: %serror: BPF backend: %s", where.c_str(), first.c_str());
	bl_err_set_log(e, strdup(rename_main(reason, name).c_str()));
	return -EINVAL;
}

// Runs fn; a fatal error or crash in LLVM becomes -EINVAL. What fn had
// allocated is leaked then (no destructor runs after the jump), which beats
// losing the process.
int run_safely(const std::function<int()> &fn, const char *name, struct bl_err *e)
{
	llvm::CrashRecoveryContext crc;
	std::string reason;
	int err = 0;

	claim_fatal_errors();
	fatal_reason = &reason;
	bool ok = crc.RunSafely([&] { err = fn(); });
	fatal_reason = nullptr;
	if (ok)
		return err;
	spent = true;
	if (reason.empty())
		return bl_errf(e, EINVAL, "compile failed: LLVM crashed (signal %d)",
			       crc.RetCode - 128);
	return fatal_error(e, reason, name);
}

llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>
make_vfs(const struct bl_cc_env *env, const char *text)
{
	llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> fs(
		new llvm::vfs::OverlayFileSystem(llvm::vfs::getRealFileSystem()));
	llvm::IntrusiveRefCntPtr<llvm::vfs::InMemoryFileSystem> mem(
		new llvm::vfs::InMemoryFileSystem());

	mem->addFile(BL_CC_MAIN, 0, llvm::MemoryBuffer::getMemBuffer(text, BL_CC_MAIN));
	for (int i = 0; i < env->n_files; i++) {
		const struct bl_cc_file *f = &env->files[i];

		mem->addFile(f->path, 0, llvm::MemoryBuffer::getMemBuffer(
			llvm::StringRef(f->data, f->size), f->path));
	}
	fs->pushOverlay(mem);
	return fs;
}

std::vector<const char *> make_args(const struct bl_cc_env *env)
{
	std::vector<const char *> args = { "clang" };

	args.insert(args.end(), env->args, env->args + env->n_args);
	args.insert(args.end(), std::begin(codegen_flags), std::end(codegen_flags));
	args.push_back("-c");
	args.push_back(BL_CC_MAIN);
	return args;
}

std::vector<const char *> make_pch_args(const struct bl_cc_env *env, const char *out)
{
	std::vector<const char *> args = { "clang" };

	args.insert(args.end(), env->args + BL_CC_PRELUDE_ARGS, env->args + env->n_base_args);
	args.insert(args.end(), std::begin(pch_flags), std::end(pch_flags));
	args.push_back("-o");
	args.push_back(out);
	return args;
}

// Prints as TextDiagnosticPrinter does, and notes whether a PCH failed to
// load (clang files those under "AST Deserialization Issue"): the caller
// then rebuilds it or compiles without it.
class Recorder : public clang::DiagnosticConsumer {
	std::unique_ptr<clang::DiagnosticConsumer> next;

public:
	bool pch_failed = false;

	explicit Recorder(clang::DiagnosticConsumer *n) : next(n) {}
	void BeginSourceFile(const clang::LangOptions &lo, const clang::Preprocessor *pp) override
	{
		next->BeginSourceFile(lo, pp);
	}
	void EndSourceFile() override { next->EndSourceFile(); }
	void finish() override { next->finish(); }
	void HandleDiagnostic(clang::DiagnosticsEngine::Level level,
			      const clang::Diagnostic &d) override
	{
		unsigned cat = clang::DiagnosticIDs::getCategoryNumberForDiag(d.getID());

		clang::DiagnosticConsumer::HandleDiagnostic(level, d);
		if (level >= clang::DiagnosticsEngine::Error &&
		    clang::DiagnosticIDs::getCategoryNameFromID(cat) == "AST Deserialization Issue")
			pch_failed = true;
		next->HandleDiagnostic(level, d);
	}
};

int fail(struct bl_err *e, const std::string &log)
{
	size_t at = log.find("error: ");
	size_t bol = at == std::string::npos ? 0 : log.rfind('\n', at);
	std::string first;

	bol = (bol == std::string::npos || at == std::string::npos) ? 0 : bol + 1;
	first = log.substr(bol, log.find('\n', bol) - bol);
	bl_errf(e, EINVAL, "compile failed: %s", first.empty() ? "clang failed" : first.c_str());
	bl_err_set_log(e, log.empty() ? NULL : strdup(log.c_str()));
	return -EINVAL;
}

// Where each line of text starts, as clang's LineOffsetMapping::get()
// finds it (a line ends at \n, \r or \r\n), with memchr: empty for text
// with a \r, which clang's own loop is left to.
std::vector<unsigned> line_starts(llvm::StringRef text)
{
	const char *p = text.data(), *end = p + text.size(), *nl;
	std::vector<unsigned> starts;

	if (memchr(p, '\r', text.size()))
		return starts;
	starts.reserve(text.size() / 16);
	starts.push_back(0);
	for (; (nl = (const char *)memchr(p, '\n', end - p)); p = nl + 1)
		starts.push_back(nl + 1 - text.data());
	return starts;
}

// Debug info gives every type the line it was defined on, so a program
// using any kernel type has clang find the line starts of all of vmlinux.h
// (3 MB) a byte at a time: 6% of a compile's instructions. The same table,
// found faster, is handed to the source manager before the parse; the
// PCH's vmlinux.h entry then shares it (one content cache per file).
void preset_line_table(clang::CompilerInstance &ci, const char *path,
		       llvm::BumpPtrAllocator &alloc)
{
	clang::SourceManager &sm = ci.getSourceManager();
	auto fe = ci.getFileManager().getFile(path);

	if (!fe)
		return;
	llvm::Optional<llvm::MemoryBufferRef> buf = sm.getMemoryBufferForFileOrNone(*fe);
	if (!buf)
		return;
	std::vector<unsigned> starts = line_starts(buf->getBuffer());
	for (auto it = sm.fileinfo_begin(); !starts.empty() && it != sm.fileinfo_end(); ++it)
		if (it->first == *fe && !it->second->SourceLineCache)
			it->second->SourceLineCache = clang::SrcMgr::LineOffsetMapping(starts, alloc);
}

// The prelude's in-memory headers as overridden files. A PCH keeps a copy
// of each (zlib-compressed) and, unless the file is overridden again when
// it is loaded, inflates it whenever clang looks at a location in it, as
// debug info does for every one of them: overridden, they are used as they
// are. (libclang passes them so too, as "unsaved" files.)
void remap_prelude(clang::CompilerInstance &ci, const struct bl_cc_env *env)
{
	for (int i = 0; i < env->n_prelude_files; i++)
		ci.getPreprocessorOpts().addRemappedFile(env->files[i].path,
			llvm::MemoryBuffer::getMemBuffer(llvm::StringRef(env->files[i].data,
					env->files[i].size), env->files[i].path).release());
}

// One clang run: args' -cc1 job, its diagnostics into log.
struct Job {
	// What the source manager's preset line tables live in (outlives ci).
	llvm::BumpPtrAllocator lines;
	std::string log;
	llvm::raw_string_ostream los{log};
	llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> dopts{new clang::DiagnosticOptions()};
	Recorder *rec = new Recorder(new clang::TextDiagnosticPrinter(los, dopts.get()));
	llvm::IntrusiveRefCntPtr<clang::DiagnosticsEngine> diags{
		new clang::DiagnosticsEngine(new clang::DiagnosticIDs(), dopts, rec)};
	clang::CompilerInstance ci;

	bool setup(const std::vector<const char *> &args,
		   llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> vfs)
	{
		std::shared_ptr<clang::CompilerInvocation> inv =
			clang::createInvocationFromCommandLine(args, diags, vfs);

		if (!inv)
			return false;
		inv->getDiagnosticOpts().ShowColors = false;
		// The driver's -disable-free leaks the AST and the mapped PCH
		// (5 MB a compile), as a one-shot clang may: a worker compiles
		// many programs (compile_worker.h).
		inv->getFrontendOpts().DisableFree = false;
		ci.setInvocation(inv);
		ci.setDiagnostics(diags.get());
		ci.createFileManager(vfs);
		ci.createSourceManager(ci.getFileManager());
		return true;
	}
	bool execute(clang::FrontendAction &act)
	{
		return ci.ExecuteAction(act) && !diags->hasErrorOccurred();
	}
};

// ---- the BPF back end: clang makes the module, this makes the object ----
//
// Every compile's object is emitted here (emit_bpf), so that it carries BTF
// without DWARF (KeepBtf). With the kernel's real headers (env->kheaders,
// as BCC and the kernel's samples/bpf do) the module also starts here: the
// headers of an architecture have inline assembly that only its own target
// accepts, so clang parses for the host, unoptimised, and the module is
// then retargeted and optimised for BPF: the layout of every type is the
// same (both are LP64, same endianness), and BPF's own passes (CO-RE, BTF)
// run in this half.

std::unique_ptr<llvm::TargetMachine> bpf_machine(const std::string &triple, std::string &why)
{
	const llvm::Target *t = llvm::TargetRegistry::lookupTarget(triple, why);

	if (!t)
		return nullptr;
	llvm::TargetOptions opts;

	// The frame description goes where clang's -g put it (.debug_frame),
	// not to .eh_frame: the printer picks the section before KeepBtf says
	// there is debug info.
	opts.ForceDwarfFrameSection = true;
	// -O2's code generation level, as clang picks it.
	return std::unique_ptr<llvm::TargetMachine>(t->createTargetMachine(
		triple, BL_CC_BPF_CPU, "", opts, llvm::None, llvm::None, llvm::CodeGenOpt::Default));
}

// -O2's pipeline, as clang runs it for -target bpf.
void optimize(llvm::Module &m, llvm::TargetMachine *tm)
{
	llvm::LoopAnalysisManager lam;
	llvm::FunctionAnalysisManager fam;
	llvm::CGSCCAnalysisManager cgam;
	llvm::ModuleAnalysisManager mam;
	llvm::PassBuilder pb(tm);

	pb.registerModuleAnalyses(mam);
	pb.registerCGSCCAnalyses(cgam);
	pb.registerFunctionAnalyses(fam);
	pb.registerLoopAnalyses(lam);
	pb.crossRegisterProxies(lam, fam, cgam, mam);
	pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2).run(m, mam);
}

// The host's function attributes (target-cpu x86-64, +sse...) mean nothing
// to BPF.
void retarget(llvm::Module &m, llvm::TargetMachine *tm)
{
	m.setTargetTriple(tm->getTargetTriple().str());
	m.setDataLayout(tm->createDataLayout());
	for (llvm::Function &f : m) {
		f.removeFnAttr("target-cpu");
		f.removeFnAttr("target-features");
		f.removeFnAttr("tune-cpu");
	}
}

// BTF without DWARF. BPF's BTF is made from the module's debug metadata
// by a handler of its own, which works only while the module info says
// there is debug info. -disable-debug-info-print (init_llvm) turns the
// DWARF handler off but also has the module info say there is none when
// code generation starts: this pass, initialised after the printer, says
// so again. The objects are the
// same but for the DWARF sections: for a program touching task_struct, 250
// KB that nothing reads, and a sixth of its compile.
class KeepBtf : public llvm::FunctionPass {
public:
	static char ID;
	explicit KeepBtf(llvm::MachineModuleInfo &mmi) : llvm::FunctionPass(ID), mmi(mmi) {}
	bool doInitialization(llvm::Module &m) override
	{
		mmi.setDebugInfoAvailability(!m.debug_compile_units().empty());
		return false;
	}
	bool runOnFunction(llvm::Function &) override { return false; }
	void getAnalysisUsage(llvm::AnalysisUsage &au) const override { au.setPreservesAll(); }
private:
	llvm::MachineModuleInfo &mmi;
};
char KeepBtf::ID;

// An error the BPF back end reports as a diagnostic (an atomic operation
// it cannot do, a stack over 512 bytes) becomes a fatal error, which
// run_safely() turns into a compile error at the user's line; LLVM's
// default handler would print it and exit. Clang's handler is gone with
// its action. Warnings are dropped, as -w drops clang's.
struct BackendErrors : public llvm::DiagnosticHandler {
	bool handleDiagnostics(const llvm::DiagnosticInfo &di) override
	{
		std::string msg;
		llvm::raw_string_ostream os(msg);

		if (di.getSeverity() != llvm::DS_Error)
			return true;
		if (const auto *u = llvm::dyn_cast<llvm::DiagnosticInfoUnsupported>(&di)) {
			os << llvm::StringRef(u->getMessage().str()).rtrim();
			if (u->isLocationAvailable())
				os << ", " << u->getLocationStr();
		} else {
			llvm::DiagnosticPrinterRawOStream dp(os);
			di.print(dp);
		}
		llvm::report_fatal_error(llvm::Twine(os.str()), false);
	}
};

// LLVM 14's BPF back end keeps each CO-RE relocation it makes in a static
// table (BPFAbstractMemberAccess's GEPGlobals), keyed by type and access
// path, across modules: a later module with the same access gets a global
// of this one, freed by then, and crashes. Those globals carry btf_ama.
void note_core_relocations(const llvm::Module &m)
{
	for (const llvm::GlobalVariable &g : m.globals())
		if (g.hasAttribute("btf_ama"))
			spent = true;
}

// The object, as clang's back end would make it (with KeepBtf), from a
// module clang has optimised, or from the host's unoptimised one (the real
// headers) made into a BPF module first.
int emit_bpf(llvm::Module &m, bool host, llvm::SmallVectorImpl<char> &obj, struct bl_err *e)
{
	std::string why;
	std::unique_ptr<llvm::TargetMachine> tm =
		bpf_machine(host ? BL_CC_BPF_TRIPLE : m.getTargetTriple(), why);
	llvm::raw_svector_ostream os(obj);
	llvm::legacy::PassManager cg;

	if (!tm)
		return bl_errf(e, EINVAL, "compile failed: no BPF target: %s", why.c_str());
	if (host) {
		retarget(m, tm.get());
		optimize(m, tm.get());
	}
	note_core_relocations(m);
	llvm::TargetLibraryInfoImpl tlii(tm->getTargetTriple());
	auto *mmi = new llvm::MachineModuleInfoWrapperPass(
		static_cast<llvm::LLVMTargetMachine *>(tm.get()));

	cg.add(llvm::createTargetTransformInfoWrapperPass(tm->getTargetIRAnalysis()));
	cg.add(new llvm::TargetLibraryInfoWrapperPass(tlii));
	if (tm->addPassesToEmitFile(cg, os, nullptr, llvm::CGFT_ObjectFile, true, mmi))
		return bl_errf(e, EINVAL, "compile failed: the BPF target cannot emit objects");
	cg.add(new KeepBtf(mmi->getMMI()));
	m.getContext().setDiagnosticHandler(std::make_unique<BackendErrors>());
	cg.run(m);
	return 0;
}

// The module (clang optimises it unless it was parsed for the host: the
// real headers), then the object.
int run(const struct bl_cc_env *env, const struct bl_compile_opts *o, const char *text,
	llvm::SmallVectorImpl<char> &obj, struct bl_err *e)
{
	const char *name = o->filename ? o->filename : "<text>";
	llvm::LLVMContext ctx;
	clang::EmitLLVMOnlyAction act(&ctx);
	Job job;

	if (!job.setup(make_args(env), make_vfs(env, text)))
		return fail(e, rename_main(job.los.str(), name));
	remap_prelude(job.ci, env);
	if (env->kheaders)
		job.ci.getCodeGenOpts().DisableLLVMPasses = true;
	else
		preset_line_table(job.ci, env->types_h, job.lines);
	if (!job.execute(act)) {
		fail(e, rename_main(job.los.str(), name));
		return job.rec->pch_failed ? -ESTALE : -EINVAL;
	}
	std::unique_ptr<llvm::Module> m = act.takeModule();
	if (!m)
		return fail(e, rename_main(job.los.str(), name));
	return emit_bpf(*m, env->kheaders, obj, e);
}

int make_pch(const struct bl_cc_env *env, const char *out, struct bl_err *e)
{
	clang::GeneratePCHAction act;
	Job job;

	if (!job.setup(make_pch_args(env, out), make_vfs(env, "")))
		return fail(e, job.los.str());
	// The rewriter's libclang passes the in-memory headers as overridden
	// ("unsaved") files, which a PCH only accepts for files it recorded as
	// overridden: so they are overridden here too. Without timestamps,
	// clang checks the other inputs' sizes only (the key in pch.c already
	// names the exact vmlinux.h).
	remap_prelude(job.ci, env);
	job.ci.getFrontendOpts().IncludeTimestamps = false;
	job.ci.getFrontendOpts().OutputFile = out;
	if (!job.execute(act))
		return fail(e, job.los.str());
	return 0;
}

} // namespace

// The builtin headers live next to the clang library we run with, not
// next to the host binary.
extern "C" const char *bl_codegen_resource_dir(void)
{
	static std::string dir;
	static std::once_flag once;

	std::call_once(once, [] {
		Dl_info info;

		if (dladdr((void *)&clang::getClangFullVersion, &info) && info.dli_fname)
			dir = clang::driver::Driver::GetResourcesPath(info.dli_fname);
	});
	return dir.c_str();
}

extern "C" int bl_codegen_reusable(void)
{
	return !spent;
}

extern "C" void bl_codegen_init(void)
{
	init_llvm();
}

namespace {
[[noreturn]] void out_of_memory()
{
	_exit(BL_COMPILER_EXIT_NOMEM);
}

void on_bad_alloc(void *, const char *, bool)
{
	out_of_memory();
}
} // namespace

extern "C" void bl_codegen_worker_init(void)
{
	std::set_new_handler(out_of_memory);
	llvm::install_bad_alloc_error_handler(on_bad_alloc, nullptr);
}

extern "C" int bl_codegen_pch(const struct bl_cc_env *env, const char *out, struct bl_err *e)
{
	init_llvm();
	return run_safely([&] { return make_pch(env, out, e); }, BL_CC_PRELUDE, e);
}

extern "C" int bl_codegen(const struct bl_cc_env *env, const struct bl_compile_opts *o,
			  const char *text, void **elf, size_t *size, struct bl_err *e)
{
	llvm::SmallVector<char, 0> obj;
	int err;

	init_llvm();
	err = run_safely([&] { return run(env, o, text, obj, e); },
			 o->filename ? o->filename : "<text>", e);
	if (err)
		return err;
	if (obj.empty())
		return bl_errf(e, EINVAL, "compile failed: clang produced no object");
	*elf = malloc(obj.size());
	if (!*elf)
		return bl_errf(e, ENOMEM, "out of memory");
	memcpy(*elf, obj.data(), obj.size());
	*size = obj.size();
	return 0;
}
