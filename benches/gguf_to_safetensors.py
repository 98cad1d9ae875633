"""Makes a Hugging Face safetensors checkpoint from a GGUF file with transformers' GGUF
loader, as checkpoints ship (BF16 by default), for the decode benchmark. Never committed.

    python3 benches/gguf_to_safetensors.py FILE.gguf OUT_DIR [bfloat16|float16|float32]
"""
import os
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def main():
    gguf, out = sys.argv[1], sys.argv[2]
    dtype = getattr(torch, sys.argv[3] if len(sys.argv) > 3 else "bfloat16")
    if os.path.exists(os.path.join(out, "config.json")):
        print(f"{out}: already there")
        return
    folder, name = os.path.split(os.path.abspath(gguf))
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    loaded = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=dtype)
    # A GGUF-loaded model counts as quantised and refuses to save: copy its (dequantised)
    # weights into a plain model of the same config.
    config = loaded.config
    for key in ("quantization_config",):
        if hasattr(config, key):
            delattr(config, key)
    model = AutoModelForCausalLM.from_config(config, dtype=dtype)
    model.load_state_dict(loaded.state_dict())
    model.generation_config = loaded.generation_config
    model.save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)
    print(f"{out}: {model.config.model_type}, {sum(p.numel() for p in model.parameters())} parameters, {dtype}")


if __name__ == "__main__":
    main()
