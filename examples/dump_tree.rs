//! Prints the tree-sitter tree of a file after the macro pre-pass (a debugging aid).
fn main() {
    let path = std::env::args().nth(1).expect("usage: dump_tree FILE");
    let mut src = std::fs::read(&path).expect("readable file");
    gfplint::parse::macros::prepass(&mut src);
    let tree = gfplint::parse::with_parser(|p| p.parse(&src, None)).expect("parsed");
    println!("{}", tree.root_node().to_sexp());
}
