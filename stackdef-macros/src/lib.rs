//! Derive macros for stackdef. Entry points are thin; the logic lives in plain modules.

use proc_macro::TokenStream;

mod construct;

/// Implements `stackdef::Construct` for a struct whose node is the field named `node` or
/// the one marked `#[construct(node)]`.
#[proc_macro_derive(Construct, attributes(construct))]
pub fn derive_construct(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    construct::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
