# lit configuration for DataBuild's transcript tests: each .test file holds a
# workspace (split-file format) and RUN lines whose output FileCheck verifies.
import os
import lit.formats

config.name = "databuild"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.databuild_build_dir, "tests", "lit")
config.excludes = ["Inputs"]

llvm_bin = config.llvm_bin_dir
# %databuild-lsp and %databuild-run first: lit substitutes in order, and %databuild is their prefix.
config.substitutions.append(("%databuild-lsp", os.path.join(config.databuild_build_dir, "lsp", "databuild-lsp")))
config.substitutions.append(("%databuild-run", os.path.join(config.databuild_build_dir, "runtime", "databuild-run")))
config.substitutions.append(("%databuild", os.path.join(config.databuild_build_dir, "analyzer", "databuild")))
config.substitutions.append(("%expect-exit", "python3 " + os.path.join(os.path.dirname(__file__), "expect_exit.py")))
config.substitutions.append(("%split-file", os.path.join(llvm_bin, "split-file")))
config.substitutions.append(("%quickstart", os.path.join(config.databuild_source_dir, "examples", "quickstart")))
# FileCheck and not come from LLVM's tools directory.
config.environment["PATH"] = os.pathsep.join([llvm_bin, config.environment.get("PATH", os.environ["PATH"])])
config.environment["NO_COLOR"] = "1"
# The language server's end-to-end test drives a real client, headless Neovim.
import shutil
if shutil.which("nvim"):
    config.available_features.add("nvim")
