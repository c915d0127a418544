/** Strips the hyphens and spaces people write ISBNs with: "978-7-02-000220-7" -> "9787020002207". */
export function normalizeIsbn(raw) {
    return raw.replace(/[\s-]/g, '');
}
/** True for a 13-digit ISBN whose check digit is right (weights 1,3,1,3...; sum % 10 == 0). */
export function isValidIsbn13(isbn) {
    if (!/^\d{13}$/.test(isbn))
        return false;
    let sum = 0;
    for (let i = 0; i < 13; i++)
        sum += Number(isbn[i]) * (i % 2 === 0 ? 1 : 3);
    return sum % 10 === 0;
}
/** Completes 12 digits with their check digit. */
export function withCheckDigit(first12) {
    let sum = 0;
    for (let i = 0; i < 12; i++)
        sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
    return `${first12}${(10 - (sum % 10)) % 10}`;
}
