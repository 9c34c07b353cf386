/*
** Every opcode of the norm VM, declared once. Each entry: name, operand shape, values
** popped, values pushed (-1: depends on the operand), and the effect on the stack.
** Expanded into the enum (bytecode.h), the name and metadata tables (bytecode.c); the
** disassembler, the verifier's stack check and instruction lengths read that metadata.
**
** Operand shapes (all little-endian, after the 1-byte opcode):
**   NONE  -                      U16  a:u16
**   JUMP  a:u16 forward offset from the end of the instruction
**   LOOP  a:u16 backward offset from the end of the instruction, onto an ITER_NEXT
**   NEXT  a:u16 iterator, b:u16 local, c:u16 forward exit offset
**   CALL  a:u16 built-in, b:u8 argument count
*/
OPCODE(CONST,      U16,  0,  1, "[] -> [k[a]]")
OPCODE(TRUE,       NONE, 0,  1, "[] -> [sann]")
OPCODE(FALSE,      NONE, 0,  1, "[] -> [usann]")
OPCODE(UNKNOWN,    NONE, 0,  1, "[] -> [ukjent]")
OPCODE(ROOT,       NONE, 0,  1, "[] -> [the case's root record]")
OPCODE(TODAY,      NONE, 0,  1, "[] -> [vurderingsdato]")
OPCODE(LOCAL,      U16,  0,  1, "[] -> [local[a]]")
OPCODE(SETLOCAL,   U16,  1,  0, "[v] -> []; local[a] = v")
OPCODE(FIELD,      U16,  1,  1, "[rec] -> [rec.field[a]], recorded as a fact read")
OPCODE(POP,        NONE, 1,  0, "[v] -> []")
OPCODE(NOT,        NONE, 1,  1, "[a] -> [ikke a] (Kleene)")
OPCODE(NEG,        NONE, 1,  1, "[a] -> [-a]")
OPCODE(ADD,        NONE, 2,  1, "[a b] -> [a+b] numbers")
OPCODE(SUB,        NONE, 2,  1, "[a b] -> [a-b] numbers")
OPCODE(MUL,        NONE, 2,  1, "[a b] -> [a*b]")
OPCODE(DIV,        NONE, 2,  1, "[a b] -> [a/b]; ukjent when b = 0")
OPCODE(DATE_ADD,   NONE, 2,  1, "[date dur] -> [date+dur] calendar months clamped")
OPCODE(DATE_SUB,   NONE, 2,  1, "[date dur] -> [date-dur]")
OPCODE(EQ,         NONE, 2,  1, "[a b] -> [a=b]")
OPCODE(NE,         NONE, 2,  1, "[a b] -> [a!=b]")
OPCODE(LT,         NONE, 2,  1, "[a b] -> [a<b]")
OPCODE(LE,         NONE, 2,  1, "[a b] -> [a<=b]")
OPCODE(GT,         NONE, 2,  1, "[a b] -> [a>b]")
OPCODE(GE,         NONE, 2,  1, "[a b] -> [a>=b]")
OPCODE(IN,         NONE, 2,  1, "[x list] -> [x i list]")
OPCODE(AND,        NONE, 2,  1, "[a b] -> [a og b] (Kleene)")
OPCODE(OR,         NONE, 2,  1, "[a b] -> [a eller b] (Kleene)")
OPCODE(JUMP_FALSE, JUMP, 1,  1, "[a] -> [a]; jump when a is usann (short-circuit og)")
OPCODE(JUMP_TRUE,  JUMP, 1,  1, "[a] -> [a]; jump when a is sann (short-circuit eller)")
OPCODE(JUMP,       JUMP, 0,  0, "[] -> []; jump")
OPCODE(COND,       U16,  1,  1, "[a] -> [a]; record condition a's value in the trace")
OPCODE(ITER_INIT,  U16,  1,  0, "[list] -> []; iterator a starts over list")
OPCODE(ITER_NEXT,  NEXT, 0,  0, "[] -> []; local[b] = next item of iterator a, or jump c when done")
OPCODE(ITER_END,   U16,  1,  1, "[acc] -> [acc, or ukjent when iterator a's list was ukjent]")
OPCODE(ANY_STEP,   JUMP, 2,  1, "[acc v] -> [acc eller v]; jump when sann")
OPCODE(ALL_STEP,   JUMP, 2,  1, "[acc v] -> [acc og v]; jump when usann")
OPCODE(COUNT_STEP, NONE, 2,  1, "[n v] -> [n+1 when v sann; ukjent when v ukjent]")
OPCODE(LOOP,       LOOP, 0,  0, "[] -> []; back to the loop's ITER_NEXT")
OPCODE(CALL,       CALL, -1, 1, "[args…] -> [builtin a(args)]")
OPCODE(MATCH,      U16,  1,  1, "[s] -> [s matches regex k[a]]; ukjent on a limit or error")
OPCODE(WRITTEN,    NONE, 1,  1, "[v] -> [v is written: not absent, null, empty or blank]")
OPCODE(MISSING,    NONE, 1,  1, "[v] -> [v is absent or null]")
OPCODE(OR_EMPTY,   NONE, 1,  1, "[v] -> [v, or the empty list when v is absent or null]")
OPCODE(EMIT,       NONE, 1,  0, "[v] -> []; append v, formatted for people, to the message")
OPCODE(RETURN,     NONE, 1,  0, "[v] -> []; the block's result is v")
OPCODE(EMIT_LABEL, U16,  1,  0, "[v] -> []; append v to the message, a value of choice type a by its label")
OPCODE(EMIT_EVERY, NONE, 1,  0, "[v] -> []; append duration v as how often: «hver 3. måned», «hvert år»")
