// codegen.cpp - see codegen.h
// The module's C headers (err.h among them) have no C++ guards.
extern "C" {
#include "codegen.h"
}

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Basic/Version.h>
#include <clang/CodeGen/CodeGenAction.h>
#include <clang/Driver/Driver.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <clang/Frontend/Utils.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/IR/LLVMContext.h>
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
// everything else (env.c). -mcpu=v3 (kernel 5.1+): 32-bit subregisters and
// jumps, shorter programs for the verifier.
const char *const codegen_flags[] = {
	"-D__BL_CODEGEN", "-O2", "-g", "-mcpu=v3", "-w",
	"-fno-color-diagnostics", "-fno-caret-diagnostics",
};

void init_bpf_target()
{
	static std::once_flag once;

	std::call_once(once, [] {
		LLVMInitializeBPFTargetInfo();
		LLVMInitializeBPFTarget();
		LLVMInitializeBPFTargetMC();
		LLVMInitializeBPFAsmPrinter();
	});
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

int run(const struct bl_cc_env *env, const struct bl_compile_opts *o, const char *text,
	llvm::SmallVectorImpl<char> &obj, struct bl_err *e)
{
	std::string log;
	llvm::raw_string_ostream los(log);
	llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> dopts(new clang::DiagnosticOptions());
	auto *printer = new clang::TextDiagnosticPrinter(los, dopts.get());
	llvm::IntrusiveRefCntPtr<clang::DiagnosticsEngine> diags(new clang::DiagnosticsEngine(
		new clang::DiagnosticIDs(), dopts, printer));
	auto vfs = make_vfs(env, text);
	std::vector<const char *> args = make_args(env);
	const char *name = o->filename ? o->filename : "<text>";

	std::shared_ptr<clang::CompilerInvocation> inv =
		clang::createInvocationFromCommandLine(args, diags, vfs);
	if (!inv)
		return fail(e, rename_main(los.str(), name));
	inv->getDiagnosticOpts().ShowColors = false;

	clang::CompilerInstance ci;
	ci.setInvocation(inv);
	ci.setDiagnostics(diags.get());
	ci.createFileManager(vfs);
	ci.setOutputStream(std::make_unique<llvm::raw_svector_ostream>(obj));

	llvm::LLVMContext ctx;
	clang::EmitObjAction act(&ctx);
	bool ok = ci.ExecuteAction(act);
	if (!ok || diags->hasErrorOccurred())
		return fail(e, rename_main(los.str(), name));
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

extern "C" int bl_codegen(const struct bl_cc_env *env, const struct bl_compile_opts *o,
			  const char *text, void **elf, size_t *size, struct bl_err *e)
{
	llvm::SmallVector<char, 0> obj;
	int err;

	init_bpf_target();
	err = run(env, o, text, obj, e);
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
