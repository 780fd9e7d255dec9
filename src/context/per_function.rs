//! A list per function of the run, all in one allocation.
//!
//! The whole-program context keeps several such lists for every function (call edges,
//! direct callers, sleep sites): on a `drivers/` run that is ~400,000 functions, most
//! with an empty list, where a `Vec` each cost 24 bytes before its items and a map
//! entry more (the three took 74 MB at the peak of the run; as tables, the peak fell
//! by 52 MiB).

use crate::program::{FunctionId, Program};

/// Lists by function, in function order (files in run order, then functions in file
/// order): function `(file, i)`'s list is `items[start[n] .. start[n + 1]]` where
/// `n = first[file] + i`.
#[derive(Debug, Clone)]
pub struct PerFunction<T> {
    /// Per file, the number of its first function; one more entry at the end.
    first: Box<[u32]>,
    /// Per function, where its items start; one more entry at the end.
    start: Box<[u32]>,
    items: Box<[T]>,
}

impl<T> Default for PerFunction<T> {
    fn default() -> Self {
        PerFunction {
            first: Box::new([0]),
            start: Box::new([0]),
            items: Box::new([]),
        }
    }
}

/// Per file, the number of its first function over the run; one more entry at the end.
fn first_functions(program: &Program) -> Box<[u32]> {
    program.first_function_numbers().into_boxed_slice()
}

impl<T> PerFunction<T> {
    /// From each function's list, given per file in function order (`lists[file][i]`
    /// iterates function `(file, i)`'s items).
    pub fn from_file_lists<F, L>(program: &Program, lists: impl IntoIterator<Item = F>) -> Self
    where
        F: IntoIterator<Item = L>,
        L: IntoIterator<Item = T>,
    {
        let first = first_functions(program);
        let mut start = Vec::with_capacity(first[first.len() - 1] as usize + 1);
        let mut items = Vec::new();
        start.push(0);
        for file in lists {
            for list in file {
                items.extend(list);
                start.push(items.len() as u32);
            }
        }
        debug_assert_eq!(start.len(), first[first.len() - 1] as usize + 1);
        PerFunction {
            first,
            start: start.into_boxed_slice(),
            items: items.into_boxed_slice(),
        }
    }

    /// From `(function, item)` pairs in any order of functions (`pairs()` yields the
    /// same pairs each time it is called): each function's items keep the order they
    /// come in.
    pub fn from_pairs<I>(program: &Program, pairs: impl Fn() -> I) -> Self
    where
        I: Iterator<Item = (FunctionId, T)>,
        T: Copy + Default,
    {
        let first = first_functions(program);
        let number = |id: FunctionId| (first[id.0 as usize] + id.1) as usize;
        // A counting sort: the size of each list, then each item at its list's next slot.
        let mut start = vec![0u32; first[first.len() - 1] as usize + 1];
        for (id, _) in pairs() {
            start[number(id) + 1] += 1;
        }
        for n in 1..start.len() {
            start[n] += start[n - 1];
        }
        let mut next = start.clone();
        let mut items = vec![T::default(); start[start.len() - 1] as usize];
        for (id, item) in pairs() {
            let at = &mut next[number(id)];
            items[*at as usize] = item;
            *at += 1;
        }
        PerFunction {
            first,
            start: start.into_boxed_slice(),
            items: items.into_boxed_slice(),
        }
    }

    /// Function `id`'s list (empty for a function the table does not number).
    pub fn of(&self, id: FunctionId) -> &[T] {
        let Some(&first) = self.first.get(id.0 as usize) else {
            return &[];
        };
        let n = (first + id.1) as usize;
        match (self.start.get(n), self.start.get(n + 1)) {
            (Some(&a), Some(&b)) if n < self.first[id.0 as usize + 1] as usize => {
                &self.items[a as usize..b as usize]
            }
            _ => &[],
        }
    }

    /// Every function with a non-empty list, in function order.
    pub fn iter(&self) -> impl Iterator<Item = (FunctionId, &[T])> {
        self.first.windows(2).enumerate().flat_map(move |(fi, w)| {
            (w[0]..w[1]).filter_map(move |n| {
                let (a, b) = (self.start[n as usize], self.start[n as usize + 1]);
                (a < b).then(|| ((fi as u32, n - w[0]), &self.items[a as usize..b as usize]))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{FileFacts, Function};

    fn file(functions: usize) -> FileFacts {
        FileFacts {
            functions: vec![Function::default(); functions],
            ..Default::default()
        }
    }

    #[test]
    fn lists_by_function() {
        let files = [file(2), file(0), file(3)];
        let program = Program::build_calls_only(&files, crate::knowledge::Knowledge::builtin());
        let lists = PerFunction::from_file_lists(
            &program,
            [
                vec![vec![1], vec![]],
                vec![],
                vec![vec![2, 3], vec![], vec![4]],
            ],
        );
        assert_eq!(lists.of((0, 0)), &[1]);
        assert_eq!(lists.of((0, 1)), &[] as &[i32]);
        assert_eq!(lists.of((2, 0)), &[2, 3]);
        assert_eq!(lists.of((2, 2)), &[4]);
        // Past a file's functions, or past the files: nothing, not a neighbour's list.
        assert_eq!(lists.of((0, 2)), &[] as &[i32]);
        assert_eq!(lists.of((3, 0)), &[] as &[i32]);
        let listed: Vec<_> = lists.iter().map(|(id, l)| (id, l.to_vec())).collect();
        assert_eq!(
            listed,
            [((0, 0), vec![1]), ((2, 0), vec![2, 3]), ((2, 2), vec![4])]
        );
    }

    #[test]
    fn pairs_keep_their_order_per_function() {
        let files = [file(1), file(2)];
        let program = Program::build_calls_only(&files, crate::knowledge::Knowledge::builtin());
        let pairs = [((1, 1), 5u32), ((0, 0), 7), ((1, 1), 3), ((0, 0), 1)];
        let lists = PerFunction::from_pairs(&program, || pairs.iter().copied());
        assert_eq!(lists.of((0, 0)), &[7, 1]);
        assert_eq!(lists.of((1, 0)), &[] as &[u32]);
        assert_eq!(lists.of((1, 1)), &[5, 3]);
    }
}
