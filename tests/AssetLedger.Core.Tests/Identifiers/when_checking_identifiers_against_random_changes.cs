using System.Numerics;
using System.Text;
using AssetLedger.Core.Identifiers;
using FsCheck.Xunit;

namespace AssetLedger.Core.Tests.Identifiers;

/// <summary>
/// Property tests. Generated ints pick positions, characters and sample values; BigInteger is used as
/// an oracle independent of the implementation's streaming mod-97.
/// </summary>
public class when_checking_identifiers_against_random_changes
{
    private static readonly string[] ValidIbans =
    {
        "NL91ABNA0417164300", "DE89370400440532013000", "GB82WEST12345698765432", "BE68539007547034",
        "NO9386011117947", "FR1420041010050500013M02606", "IT60X0542811101000000123456",
        "MT84MALT011000012345MTLCAST001S", "LC55HEMM000100010012001200023015", "RU0204452560040702810412345678901",
        "SC18SSCB11010000000000001497USD", "XK051212012345678906", "CH9300762011623852957", "PL61109010140000071219812874",
    };

    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Digits = "0123456789";

    // A character of the same kind (digit for digit, letter for letter). MOD 97-10 is guaranteed to catch
    // such a substitution; a digit replaced by a letter changes the length of the digit expansion and is
    // only caught with probability 96/97, so it is not a property.
    private static char SameKind(char original, int generated)
    {
        var pool = char.IsDigit(original) ? Digits : Letters;
        return pool[Index(generated, pool.Length)];
    }

    private static int Index(int generated, int count) => (generated & int.MaxValue) % count;

    private static BigInteger Expand(string s)
    {
        var digits = new StringBuilder();
        foreach (var c in s)
            digits.Append(char.IsDigit(c) ? c.ToString() : (c - 'A' + 10).ToString());
        return BigInteger.Parse(digits.ToString());
    }

    [Property(MaxTest = 2000)]
    public bool Swapping_two_different_digits_in_the_BBAN_is_always_detected(int which, int p, int q)
    {
        var iban = ValidIbans[Index(which, ValidIbans.Length)];
        var digitPositions = Enumerable.Range(4, iban.Length - 4).Where(i => char.IsDigit(iban[i])).ToArray();
        var i = digitPositions[Index(p, digitPositions.Length)];
        var j = digitPositions[Index(q, digitPositions.Length)];

        var chars = iban.ToCharArray();
        (chars[i], chars[j]) = (chars[j], chars[i]);
        var swapped = new string(chars);

        // Unchanged when the two digits are equal; otherwise mod 97 always notices.
        return swapped == iban ? AssetIdentifiers.IsValidIban(swapped) : !AssetIdentifiers.IsValidIban(swapped);
    }

    [Property(MaxTest = 2000)]
    public bool Changing_one_BBAN_character_to_another_of_its_kind_is_always_detected(int which, int position, int replacement)
    {
        var iban = ValidIbans[Index(which, ValidIbans.Length)];
        var i = 4 + Index(position, iban.Length - 4);
        var c = SameKind(iban[i], replacement);
        var changed = iban[..i] + c + iban[(i + 1)..];

        return changed == iban ? AssetIdentifiers.IsValidIban(changed) : !AssetIdentifiers.IsValidIban(changed);
    }

    [Property(MaxTest = 200)]
    public bool The_print_form_of_a_valid_iban_is_valid(int which)
    {
        var iban = ValidIbans[Index(which, ValidIbans.Length)];
        var printed = string.Join(' ', iban.Chunk(4).Select(chunk => new string(chunk)));

        return AssetIdentifiers.IsValidIban(printed) && !AssetIdentifiers.IsValidIban(printed.ToLowerInvariant());
    }

    [Property(MaxTest = 1000)]
    public bool Lei_with_computed_check_digits_is_valid_and_one_changed_character_is_not(
        int[] seeds, int position, int replacement)
    {
        // An 18-character prefix from the generated ints, check digits per ISO 7064 MOD 97-10.
        seeds ??= Array.Empty<int>();
        var prefix = new string(Enumerable.Range(0, 18)
            .Select(k => Alphanumerics[Index(seeds.Length == 0 ? k : seeds[k % seeds.Length] + k, Alphanumerics.Length)])
            .ToArray());
        var check = 98 - (int)(Expand(prefix + "00") % 97);
        var lei = prefix + check.ToString("00");

        var i = Index(position, 20);
        var c = SameKind(lei[i], replacement);
        var changed = lei[..i] + c + lei[(i + 1)..];

        return AssetIdentifiers.IsValidLei(lei)
            && Expand(lei) % 97 == 1
            && (changed == lei || !AssetIdentifiers.IsValidLei(changed));
    }

    [Property(MaxTest = 1000)]
    public bool Exactly_one_check_digit_makes_an_imo_number_valid(int number)
    {
        var six = Index(number, 1_000_000).ToString("000000");
        var expected = six.Select((d, k) => (d - '0') * (7 - k)).Sum() % 10;

        var valid = Enumerable.Range(0, 10).Where(d => AssetIdentifiers.IsValidImo(six + d)).ToArray();

        return valid.Length == 1 && valid[0] == expected && AssetIdentifiers.IsValidImo("IMO " + six + expected);
    }
}
