//! `#[derive(Construct)]`: finds the node field and implements the trait.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident};

/// Which field holds the node: the one marked `#[construct(node)]`, else the one named `node`.
fn node_field(input: &DeriveInput) -> syn::Result<Ident> {
    let data = match &input.data {
        Data::Struct(s) => s,
        Data::Enum(e) => {
            return Err(syn::Error::new(
                e.enum_token.span(),
                "#[derive(Construct)] only supports structs with named fields; a construct is a struct that holds its `node: stackdef::Node`",
            ));
        }
        Data::Union(u) => {
            return Err(syn::Error::new(
                u.union_token.span(),
                "#[derive(Construct)] only supports structs with named fields",
            ));
        }
    };
    let Fields::Named(fields) = &data.fields else {
        // A unit struct has no field tokens to point at: point at its name instead.
        let span = match &data.fields {
            Fields::Unit => input.ident.span(),
            other => other.span(),
        };
        return Err(syn::Error::new(
            span,
            "#[derive(Construct)] needs named fields, one of them `node: stackdef::Node`",
        ));
    };
    let mut marked = Vec::new();
    for field in &fields.named {
        for attr in &field.attrs {
            if !attr.path().is_ident("construct") {
                continue;
            }
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("node") {
                    marked.push(field.ident.clone());
                    Ok(())
                } else {
                    Err(meta
                        .error("unknown construct attribute; the only one is `#[construct(node)]`"))
                }
            })?;
        }
    }
    match marked.as_slice() {
        [Some(ident)] => return Ok(ident.clone()),
        [] => {}
        [_, second, ..] => {
            let span = second.as_ref().map_or(input.ident.span(), Ident::span);
            return Err(syn::Error::new(
                span,
                "only one field can be marked `#[construct(node)]`",
            ));
        }
        [None] => {}
    }
    fields
        .named
        .iter()
        .find_map(|f| f.ident.as_ref().filter(|i| *i == "node").cloned())
        .ok_or_else(|| {
            syn::Error::new(
                input.ident.span(),
                "#[derive(Construct)] needs a field `node: stackdef::Node` (or a field marked `#[construct(node)]`); create it with `stackdef::Node::new(scope, id)`",
            )
        })
}

/// The `impl Construct` for `input`.
pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let field = node_field(input)?;
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    // Spanned at the field, so a field of the wrong type is reported there.
    let body = quote_spanned! {field.span()=> &self.#field };
    Ok(quote! {
        impl #impl_generics ::stackdef::Construct for #name #ty_generics #where_clause {
            fn node(&self) -> &::stackdef::Node {
                #body
            }
        }
    })
}
